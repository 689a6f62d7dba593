"""Volunteer hand-off: tickets between residents (LINE, Telegram, local) and the volunteers'
Telegram group: policy, rendering, relaying, nudges and FAQ suggestions."""
