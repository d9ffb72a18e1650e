"""One software stack: installing the test extra never pins a package the app runs on.

The README installs the app (`pip install .`) and the suite (`pip install '.[test]'`) into one virtualenv.
A lower bound in a test package's requirements cannot move an app package (pip already chose the newest
version allowed), but an upper bound or an exact pin can downgrade it under a running app — irrCAC's
`scipy==1.12.0` once turned numpy 2.x into 1.26 and broke an open tagging screen. This test walks the
installed metadata (importlib.metadata) of every package the test extra brings in and fails on any
requirement that caps a package in the app's dependency closure."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
CAPS = {"==", "===", "<", "<=", "~="}  # operators that can hold a package below its newest release
# Caps reviewed by hand: each excludes only versions not released when it was reviewed (a forward-compatibility
# bound on the next major version), so it changes nothing today. A new cap fails the test until it is reviewed.
REVIEWED = {
    "statsmodels requires numpy<3,>=1.23.5",  # numpy 3 unreleased (checked 2026-12; installed: numpy 2.4)
    "requests requires charset_normalizer<4,>=2",  # charset-normalizer 4 unreleased (checked 2026-12; newest 3.5.3)
}


def _active(req: Requirement, extras: set[str]) -> bool:
    if req.marker is None:
        return True
    env = dict(default_environment())
    return any(req.marker.evaluate({**env, "extra": e}) for e in (extras or {""}))


def _requires(name: str, extras: set[str]) -> list[Requirement] | None:
    try:
        raw = metadata.requires(name) or []
    except metadata.PackageNotFoundError:
        return None
    return [r for r in map(Requirement, raw) if _active(r, extras)]


def closure(roots: list[str]) -> dict[str, list[Requirement]]:
    """Every installed distribution reached from ``roots`` → its active requirements."""
    seen: dict[str, list[Requirement]] = {}
    todo = [Requirement(r) for r in roots]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen and not req.extras:
            continue
        reqs = _requires(req.name, set(req.extras))
        if reqs is None:  # not installed here (a platform-only dependency): nothing to walk
            continue
        seen[name] = seen.get(name, []) + [r for r in reqs if r not in seen.get(name, [])]
        todo += [r for r in reqs if canonicalize_name(r.name) not in seen]
    return seen


def caps_on(app: set[str], test: dict[str, list[Requirement]],
            app_reqs: dict[str, list[Requirement]] | None = None) -> list[str]:
    """Test-extra requirements that cap an app package, except a cap the app's own stack already imposes
    (e.g. `urllib3<3`, which trafilatura itself requires: the same bound cannot move anything)."""
    held: dict[str, set[str]] = {}
    for reqs in (app_reqs or {}).values():
        for r in reqs:
            held.setdefault(canonicalize_name(r.name), set()).update(str(s) for s in r.specifier if s.operator in CAPS)
    out = []
    for dist, reqs in sorted(test.items()):
        if dist in app:
            continue  # an app package's own requirements are the app's stack
        for r in reqs:
            name = canonicalize_name(r.name)
            caps = {str(s) for s in r.specifier if s.operator in CAPS}
            if name in app and caps and not caps <= held.get(name, set()):
                out.append(f"{dist} requires {r.name}{r.specifier}")
    return out


def test_the_app_dependencies_are_installed_here():
    app = closure(PYPROJECT["project"]["dependencies"])
    assert {"numpy", "scipy", "textual", "scikit-learn"} <= set(app)


def test_no_test_package_caps_a_package_the_app_runs_on():
    app_reqs = closure(PYPROJECT["project"]["dependencies"])
    test = closure(PYPROJECT["project"]["optional-dependencies"]["test"])
    assert set(test) >= {"pytest", "hypothesis"}, "the test extra is not installed in this environment"
    assert [c for c in caps_on(set(app_reqs), test, app_reqs) if c not in REVIEWED] == []


def test_the_check_catches_a_pin_like_irrcacs():
    pinned = {"irrcac": [Requirement("scipy==1.12.0"), Requirement("pandas>=2.2.2,<3.0.0")],
              "statsmodels": [Requirement("scipy!=1.9.2,>=1.8")], "scikit-learn": [Requirement("scipy<2")]}
    assert caps_on({"scipy", "numpy", "scikit-learn"}, pinned) == ["irrcac requires scipy==1.12.0"]
