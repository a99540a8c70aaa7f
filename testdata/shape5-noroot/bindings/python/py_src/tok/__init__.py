"""tok: fast tokenizers."""

__version__ = "0.23.2"
