"""Understanding residents' text: normalise, segment, retrieve FAQ entries, classify intents.

Pure Python and deterministic; no platform SDK imports. The entry point is
`bot.nlp.understander.Understander`; importing this package loads nothing heavy.
"""
