"""Masthead: the platform a news publisher runs its digital business on."""

__version__ = "0.1.0"
