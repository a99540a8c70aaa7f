"""Print the public API of an installed distribution as JSON (cargo-pyrelease runs this in a
throwaway environment that holds the distribution and its dependencies).

Usage: python introspect.py DIST-NAME

Output: {"names": {"pkg.func": {"kind": "function", "params": [...] | null}, ...}, "errors": [...]}
Every public name reachable from the distribution's top-level modules: module members
(`__all__` where defined, else names without a leading underscore), public submodules
recursively, classes and their public methods. Parameters come from `inspect.signature`
(which reads pyo3's `__text_signature__`), else from the `.pyi` stubs in the wheel.
"""

import ast
import importlib
import importlib.metadata as metadata
import inspect
import json
import pkgutil
import sys

EMPTY = inspect.Parameter.empty
VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def top_modules(files):
    names = set()
    for f in files:
        parts = f.parts
        if not parts or parts[0] == ".." or parts[0].endswith((".dist-info", ".data")):
            continue
        first = parts[0]
        if len(parts) > 1:
            names.add(first)
        elif first.endswith((".py", ".so", ".pyd")):
            names.add(first.split(".")[0])
    return sorted(n for n in names if n.isidentifier() and not n.startswith("_"))


def stub_params(files):
    """`{"pkg.func": [...], "pkg.Class.method": [...]}` from every .pyi file."""
    found = {}
    for f in files:
        if f.suffix != ".pyi":
            continue
        parts = list(f.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        try:
            tree = ast.parse(f.locate().read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            continue
        walk_stub(tree.body, ".".join(parts), found)
    return found


def walk_stub(body, prefix, found):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            positional = a.posonlyargs + a.args
            defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
            params = [
                {"name": p.arg, "kind": "POSITIONAL_OR_KEYWORD", "required": d is None}
                for p, d in zip(positional, defaults)
            ]
            params += [
                {"name": p.arg, "kind": "KEYWORD_ONLY", "required": d is None}
                for p, d in zip(a.kwonlyargs, a.kw_defaults)
            ]
            if a.vararg:
                params.append({"name": a.vararg.arg, "kind": "VAR_POSITIONAL", "required": False})
            if a.kwarg:
                params.append({"name": a.kwarg.arg, "kind": "VAR_KEYWORD", "required": False})
            found[prefix + "." + node.name] = params
        elif isinstance(node, ast.ClassDef):
            walk_stub(node.body, prefix + "." + node.name, found)


def params_of(obj, path, stubs):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return stubs.get(path)
    return [
        {
            "name": p.name,
            "kind": p.kind.name,
            "required": p.default is EMPTY and p.kind not in VARIADIC,
        }
        for p in sig.parameters.values()
    ]


def public_members(obj):
    """(name, value) of `__all__`, else of every name without a leading underscore."""
    names = getattr(obj, "__all__", None)
    if names is None:
        names = [n for n in dir(obj) if not n.startswith("_")]
    for name in names:
        if isinstance(name, str):
            try:
                yield name, getattr(obj, name)
            except AttributeError:
                continue


def belongs(module, top):
    """A submodule of the package: named below it, or a pyo3 submodule (no file of its own)."""
    name = getattr(module, "__name__", "")
    return name == top or name.startswith(top + ".") or (
        getattr(module, "__file__", None) is None and name not in sys.builtin_module_names
    )


def walk(module, path, top, api, seen, stubs, errors):
    if id(module) in seen:
        return
    seen.add(id(module))
    for sub in pkgutil.iter_modules(getattr(module, "__path__", None) or []):
        if not sub.name.startswith("_"):
            try:
                importlib.import_module(module.__name__ + "." + sub.name)
            except Exception as e:  # an import error is reported, not fatal
                errors.append(f"{path}.{sub.name}: {e!r}")
    for name, obj in public_members(module):
        here = path + "." + name
        if inspect.ismodule(obj):
            if belongs(obj, top):
                api[here] = {"kind": "module", "params": None}
                walk(obj, here, top, api, seen, stubs, errors)
        elif inspect.isclass(obj):
            api[here] = {"kind": "class", "params": params_of(obj, here, stubs)}
            for attr, member in public_members(obj):
                at = here + "." + attr
                if callable(member):
                    api[at] = {"kind": "method", "params": params_of(member, at, stubs)}
                else:
                    api[at] = {"kind": "attribute", "params": None}
        elif callable(obj):
            api[here] = {"kind": "function", "params": params_of(obj, here, stubs)}
        else:
            api[here] = {"kind": "value", "params": None}


def main():
    files = metadata.distribution(sys.argv[1]).files or []
    stubs = stub_params(files)
    api, errors, seen = {}, [], set()
    for top in top_modules(files):
        try:
            module = importlib.import_module(top)
        except Exception as e:
            errors.append(f"{top}: {e!r}")
            continue
        api[top] = {"kind": "module", "params": None}
        walk(module, top, top, api, seen, stubs, errors)
    json.dump({"names": api, "errors": errors}, sys.stdout, sort_keys=True)


main()
