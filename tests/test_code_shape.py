"""The product's code keeps a shape a newcomer can read (issue #16, STYLE.md "The shape of an app").

No function or method is above radon's cyclomatic complexity 20, and no module is above 400 lines unless its module
docstring says why in a line starting with `Long:` (e.g. one verb per function, where splitting would scatter one
life cycle). Product code is every app (a top-level package with an `apps.py`) and `backend/`; not the tests, the
migrations, or `devtools/`, which production does not install.

Every tracked Python file but the migrations is as `ruff format` leaves it; where a table reads better in its hand
layout, the statement ends in `# fmt: skip  # table: <why>` (ruff honours the pragma with a comment after it), and
no other formatter pragma is used.
"""

import ast
import io
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[1]
MAX_COMPLEXITY = 20
MAX_LINES = 400
NOT_PRODUCT = {"devtools"}

# Offenders other helpers of #16 are splitting in their own branches: a module path, or `path:function`.
BEING_SPLIT: set[str] = set()  # #16 slices; emptied at merge


def product_modules() -> list[Path]:
    apps = sorted(p.parent for p in ROOT.glob("*/apps.py") if p.parent.name not in NOT_PRODUCT)
    assert {"backend", "bookings", "equipment", "reports"} <= {app.name for app in apps}
    return [
        path for app in apps for path in sorted(app.rglob("*.py")) if "migrations" not in path.relative_to(app).parts
    ]


def name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def functions(blocks, prefix: str = ""):
    """(qualified name, complexity) of every function, method and nested function radon sees (it lists a class's
    methods beside the class itself, which is left out: its figure sums its methods')."""
    for block in blocks:
        if hasattr(block, "methods"):  # a class: its methods come on their own; classes nested in it do not
            for inner in block.inner_classes:
                yield from functions(inner.methods, f"{prefix}{block.name}.{inner.name}.")
            continue
        qualified = f"{prefix}{block.fullname}"
        yield qualified, block.complexity
        yield from functions(block.closures, f"{qualified}.")


def too_complex(path: Path) -> list[str]:
    return [
        f"{name(path)}:{function} ({complexity})"
        for function, complexity in functions(cc_visit(path.read_text()))
        if complexity > MAX_COMPLEXITY
    ]


def says_why_it_is_long(path: Path) -> bool:
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    return any(line.startswith("Long:") and len(line) > len("Long: ") for line in docstring.splitlines())


def too_long(path: Path) -> list[str]:
    lines = len(path.read_text().splitlines())
    return [f"{name(path)} ({lines} lines)"] if lines > MAX_LINES and not says_why_it_is_long(path) else []


def offenders(check) -> list[str]:
    found = [offence for path in product_modules() for offence in check(path)]
    return [offence for offence in found if offence.split(" (")[0] not in BEING_SPLIT]


def test_no_product_function_is_above_complexity_20():
    assert offenders(too_complex) == [], "split these into steps (radon cc -s -n D shows them)"


def test_no_product_module_is_above_400_lines_without_a_reason():
    assert offenders(too_long) == [], "split these, or say why not in a `Long:` line of the module docstring"


def test_every_exemption_is_still_needed():
    """An offender that was split leaves BEING_SPLIT, so the list cannot hide a new one under an old name."""
    present = {offence.split(" (")[0] for path in product_modules() for offence in too_complex(path) + too_long(path)}
    assert BEING_SPLIT - present == set(), "remove these from BEING_SPLIT: they are split"


# --- The checks themselves -------------------------------------------------------------------------------------


def module(tmp_path, text: str) -> Path:
    path = tmp_path / "example.py"
    path.write_text(text)
    return path


def branches(count: int, indent: str) -> str:
    """A body of `count` ifs: radon's complexity count + 1."""
    return "".join(f"{indent}if x == {n}:\n{indent}    return {n}\n" for n in range(count))


@pytest.mark.parametrize(("count", "refused"), [(19, False), (20, True)])
def test_complexity_counts_functions_methods_and_nested_functions(tmp_path, monkeypatch, count, refused):
    monkeypatch.setattr("tests.test_code_shape.ROOT", tmp_path)
    text = (
        f"def top(x):\n{branches(count, '    ')}\n"
        f"class C:\n    def method(self, x):\n{branches(count, '        ')}\n"
        f"def outer():\n    def inner(x):\n{branches(count, '        ')}    return inner\n"
    )
    found = too_complex(module(tmp_path, text))
    complexity = count + 1
    expected = [f"example.py:{f} ({complexity})" for f in ("top", "C.method", "outer.inner")]
    assert sorted(found) == (sorted(expected) if refused else [])


def test_a_long_module_needs_a_long_line_in_its_docstring(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_code_shape.ROOT", tmp_path)
    filler = "x = 1\n" * MAX_LINES
    assert too_long(module(tmp_path, '"""A module."""\n' + filler)) == ["example.py (401 lines)"]
    assert too_long(module(tmp_path, '"""A module.\n\nLong: one verb per function.\n"""\n' + filler)) == []
    assert too_long(module(tmp_path, '"""A module.\n\nIt is Long: no reason.\n"""\n' + filler)) != []
    assert too_long(module(tmp_path, '"""A module."""\n' + filler[: -len("x = 1\n")])) == []


# --- The formatter's layout, and the tables kept out of it ----------------------------------------------------------

SKIP_WITH_REASON = re.compile(r"# fmt: skip  # table: \S")
FORMATTER_PRAGMA = re.compile(r"\b(fmt|yapf): *(skip|off|on|disable|enable)\b", re.IGNORECASE)


def tracked_python_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    paths = [ROOT / line for line in listed.stdout.splitlines()]
    return [path for path in paths if "migrations" not in path.parts and ".venv" not in path.parts and path.exists()]


def pragmas_without_a_reason(path: Path) -> list[str]:
    """Every comment that speaks to the formatter (`fmt:`, `yapf:`) and is not `# fmt: skip  # table: <why>`.
    Comments only: a docstring or string may mention the pragma."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    return [
        f"{name(path)}:{token.start[0]}: {token.string}"
        for token in tokens
        if token.type == tokenize.COMMENT
        and FORMATTER_PRAGMA.search(token.string)
        and not SKIP_WITH_REASON.match(token.string)
    ]


def ruff() -> str | None:
    beside_python = Path(sys.executable).parent / "ruff"
    return str(beside_python) if beside_python.exists() else shutil.which("ruff")


def unformatted(root: Path) -> str:
    """ruff's report of the files it would reformat under root (empty when all are as it leaves them)."""
    result = subprocess.run([ruff(), "format", "--check", "."], cwd=root, capture_output=True, text=True)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def test_every_formatter_pragma_is_a_table_with_its_reason():
    found = [offence for path in tracked_python_files() for offence in pragmas_without_a_reason(path)]
    assert found == [], "accept ruff's layout, or keep a table with `# fmt: skip  # table: <why it reads better>`"


def test_every_tracked_file_is_as_ruff_formats_it():
    skip_without_ruff()
    assert unformatted(ROOT) == "", "run `ruff format .`"


def test_a_formatter_pragma_needs_the_table_form_and_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.test_code_shape.ROOT", tmp_path)
    text = (
        '"""Tables keep `# fmt: skip` with a reason; a docstring may say so."""\n'
        "A = [1,  2]  # fmt: skip\n"
        "B = [1,  2]  # fmt: skip  # table: one row\n"
        "C = [1,  2]  # fmt: skip  # table:\n"
        "D = [1,  2]  # table: one row  # fmt: skip\n"
        "E = [1,  2]  # fmt: skip # table: one space\n"
        "# fmt: off\n"
        "F = [1,  2]\n"
        "# fmt: on\n"
        "G = [1,  2]  # yapf: disable\n"
        "H = '# fmt: skip'  # the format: a string, not a pragma\n"
    )
    found = [offence.split(":")[1] for offence in pragmas_without_a_reason(module(tmp_path, text))]
    assert found == ["2", "4", "5", "6", "7", "9", "10"]


def skip_without_ruff():
    if ruff() is None:
        pytest.skip("ruff is not installed (pip install -r requirements-test.txt): the layout is not checked")


def test_ruff_format_check_fails_on_a_file_ruff_would_change(tmp_path):
    skip_without_ruff()
    module(tmp_path, "x = [1,  2]\n")
    assert "example.py" in unformatted(tmp_path)
    module(tmp_path, "x = [1, 2]\n")
    assert unformatted(tmp_path) == ""


def test_ruff_honours_the_pragma_with_its_reason_beside_it(tmp_path):
    """The one form the check accepts is one ruff keeps; a reason glued on with `;` would turn the pragma off."""
    skip_without_ruff()
    table = "ROWS = [\n    (1, 'a'),  (22, 'bb'),\n    (3, 'c'),  (44, 'dd'),\n]"
    module(tmp_path, f"{table}  # fmt: skip  # table: two pairs a row\n")
    assert unformatted(tmp_path) == ""
    module(tmp_path, f"{table}  # fmt: skip; table: two pairs a row\n")
    assert "example.py" in unformatted(tmp_path)
