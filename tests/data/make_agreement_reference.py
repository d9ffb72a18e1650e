"""Regenerate tests/data/agreement_reference.json: reference values from the irrCAC package.

irrCAC pins scipy==1.12.0 (and so downgrades numpy), so it is not in the test extra: the suite reads
the values stored in the JSON file. To regenerate them, in a SEPARATE virtualenv:

    python -m venv /tmp/irr && /tmp/irr/bin/pip install irrCAC==0.4.4 numpy pandas
    PYTHONPATH=. /tmp/irr/bin/python tests/data/make_agreement_reference.py

Each case stores its input (a units × raters matrix of integer category codes, null = missing), the
irrCAC call that produced the value, and the value itself (15 digits)."""

from __future__ import annotations

import json
import random
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from irrCAC.raw import CAC

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_agreement import codes_from_matrix, random_sets  # noqa: E402


def cac(matrix, categories=None):
    df = pd.DataFrame([[np.nan if v is None else float(v) for v in row] for row in matrix])
    return CAC(df, categories=categories, digits=15)


def value(result) -> float:
    return float(result["est"]["coefficient_value"])


def quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # irrCAC's own pandas SettingWithCopyWarning
        return fn()


def as_matrix(codes) -> list[list]:
    return [[None if v < 0 else int(v) for v in row] for row in codes.tolist()]


def binary(rows_of_sets, tag):
    return [[None if v is None else int(tag in v) for v in row] for row in rows_of_sets]


def main() -> None:
    cases = []
    for seed, coders, missing in [(0, 2, 0.0), (1, 2, 0.2), (2, 3, 0.3), (3, 4, 0.3), (4, 5, 0.4)]:
        rows = random_sets(random.Random(400 + seed), 70, coders, missing=missing)
        m = as_matrix(codes_from_matrix(rows).codes)
        cases.append({"name": f"tag sets, seed {seed}, {coders} raters, {missing:.0%} missing", "matrix": m,
                      "categories": None, "gwet_ac1": quiet(lambda: value(cac(m).gwet()))})
    for seed in range(3):
        rows = random_sets(random.Random(500 + seed), 80, 3, missing=0.2)
        for tag in "abcde":
            m = binary(rows, tag)
            cases.append({"name": f"binary tag {tag}, seed {seed}, 3 raters", "matrix": m, "categories": [0, 1],
                          "gwet_ac1": quiet(lambda: value(cac(m, [0, 1]).gwet()))})
    rare = [[0, 0] for _ in range(200)]
    for u, pair in zip(range(6), ([1, 1], [1, 1], [1, 0], [0, 1], [1, 0], [0, 1])):
        rare[u] = pair
    cases.append({"name": "rare tag: 200 items, present on 6, agreed on 2", "matrix": rare, "categories": [0, 1],
                  "gwet_ac1": quiet(lambda: value(cac(rare, [0, 1]).gwet()))})
    # small samples: every coefficient is defined with two subjects (and even one for some)
    small = {
        "2 subjects, 3 raters, 3 categories": [[0, 0, 1], [2, 2, 2]],
        "2 subjects, 4 raters, 2 categories": [[0, 0, 0, 1], [1, 1, 0, 1]],
        "2 subjects, 2 raters, disagree on one": [[0, 0], [0, 1]],
        "3 subjects, 3 raters, 3 categories": [[0, 0, 0], [1, 1, 2], [2, 2, 2]],
    }
    for name, m in small.items():
        c = cac(m)
        cases.append({"name": name, "matrix": m, "categories": None,
                      "gwet_ac1": quiet(lambda: value(c.gwet())),
                      "fleiss_kappa": quiet(lambda: value(c.fleiss())),
                      "brennan_prediger": quiet(lambda: value(c.bp())),
                      "percent_agreement": quiet(lambda: float(c.fleiss()["est"]["pa"]))})
    out = {
        "provenance": {
            "package": "irrCAC", "version": version("irrCAC"), "numpy": version("numpy"),
            "pandas": version("pandas"), "scipy": version("scipy"),
            "functions": "irrCAC.raw.CAC(DataFrame(matrix, NaN = missing), categories=categories, digits=15)"
                         ".gwet() / .fleiss() / .bp(); the value is result['est']['coefficient_value'] "
                         "(percent_agreement: .fleiss()['est']['pa'])",
            "inputs": "matrix[u][r]: the category code rater r gave unit u (null: no rating); the first cases "
                      "are tests/test_agreement.py's random_sets encoded by codes_from_matrix",
            "script": "tests/data/make_agreement_reference.py",
        },
        "cases": cases,
    }
    target = Path(__file__).with_name("agreement_reference.json")
    text = json.dumps({"provenance": out["provenance"]}, ensure_ascii=False, indent=1)[:-2]
    text += ',\n "cases": [\n' + ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases) + "\n ]\n}\n"
    target.write_text(text, encoding="utf-8")
    print(f"{len(cases)} cases written to {target}")


if __name__ == "__main__":
    main()
