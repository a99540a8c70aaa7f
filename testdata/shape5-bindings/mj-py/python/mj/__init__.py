"""mj: a small template engine with Jinja2-like syntax."""

from importlib.metadata import version as _version

__version__ = _version("mj")
