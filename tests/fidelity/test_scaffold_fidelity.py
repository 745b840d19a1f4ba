"""Functions made by ``funcls new`` are indexed by funcls exactly as the real azure-functions
library indexes them: every template, in one function_app.py and in a blueprint module."""

from __future__ import annotations

from pathlib import Path

from funcls.commands.new import write_changes
from funcls.model.catalogue.templates import TEMPLATES
from funcls.model.scaffold.plan import plan_new_app, plan_new_function
from funcls.model.source import Source
from tests.support.fidelity import differences, funcls_index, library_index


def _app_with_every_template(root: Path, file: str | None = None) -> list[str]:
    write_changes(plan_new_app(str(root), Source()))
    names = []
    for t in TEMPLATES:
        name = "new_" + t.id.replace("-", "_")
        write_changes(plan_new_function(str(root), Source(), t.id, name, file=file))
        names.append(name)
    return names


def test_every_template_indexes_as_the_library_does(tmp_path: Path) -> None:
    names = _app_with_every_template(tmp_path)
    library = library_index(str(tmp_path))
    assert sorted(library) == sorted(names)
    assert differences(funcls_index(str(tmp_path)), library) == []


def test_templates_in_a_blueprint_index_as_the_library_does(tmp_path: Path) -> None:
    write_changes(plan_new_app(str(tmp_path), Source()))
    (tmp_path / "function_app.py").write_text(
        "import azure.functions as func\n\nimport jobs\n\n"
        "app = func.FunctionApp()\napp.register_functions(jobs.bp)\n"
    )
    (tmp_path / "jobs.py").write_text("import azure.functions as func\n\nbp = func.Blueprint()\n")
    for t in TEMPLATES:
        name = "bp_" + t.id.replace("-", "_")
        write_changes(plan_new_function(str(tmp_path), Source(), t.id, name, file="jobs.py"))
    library = library_index(str(tmp_path))
    assert len(library) == len(TEMPLATES)
    assert differences(funcls_index(str(tmp_path)), library) == []


def test_a_new_blueprint_package_module_indexes_as_the_library_does(tmp_path: Path) -> None:
    """funcls new creates blueprints/jobs.py and registers it in function_app.py."""
    names = _app_with_every_template(tmp_path, file="blueprints/jobs.py")
    library = library_index(str(tmp_path))
    assert sorted(library) == sorted(names)
    assert differences(funcls_index(str(tmp_path)), library) == []
