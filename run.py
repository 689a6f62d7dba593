#!/usr/bin/env python3
"""Taipei Civic Bot command line: `python run.py --help` lists the subcommands."""

from bot.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
