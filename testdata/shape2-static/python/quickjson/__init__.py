"""quickjson: fast JSON serialization, implemented in Rust."""

__version__ = "3.11.8"

__all__ = ["__version__"]
