from ._pydantic_core import __version__
