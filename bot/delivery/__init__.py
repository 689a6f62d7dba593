"""The delivery engine: durable batches, shared rate limits, retry keys, error handling.

Every message that is not the answer to a user's own event goes through here: broadcasts and
i-Voting reminders as batches (bot/delivery/engine.py), single pushes (notices, reminders,
relays) through `Services.pusher(platform)` (bot/delivery/pusher.py). Both share the rate
limits (bot/delivery/limits.py) and the error handling (bot/delivery/outcomes.py).
"""
