"""The README promises two commands and documents every setting exactly as the code has them."""

from assistant.settings import SETTINGS, markdown_table
from tests.conftest import ROOT


def test_readme_settings_table_is_generated_from_the_settings():
    assert markdown_table() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme


def test_every_setting_has_an_environment_variable_and_help():
    assert all(s.env.startswith("POLICY_") and s.help for s in SETTINGS)
    assert len({s.env for s in SETTINGS}) == len(SETTINGS)
