"""Proposals (構想書): the wizard's spec, field parsing, similarity and the printable page."""
