"""``serve`` and ``audit`` on the command line: registered with help for every option, and a bad
configuration reported before anything starts."""
from __future__ import annotations

import argparse

import pytest

from mri_indication.cli import build_parser, main


@pytest.mark.parametrize("command, options", [
    ("serve", {"--host", "--port", "--config", "--insecure-dev"}),
    ("audit", {"--since", "--csv", "--json", "--config"}),
])
def test_commands_are_registered_with_help_for_each_option(command, options):
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    sub = commands.choices[command]
    helped = {option: action.help for action in sub._actions for option in action.option_strings}
    assert options <= set(helped)
    assert all(helped[option] for option in options)


@pytest.mark.parametrize("content, expected", [
    ("max_body_bytes = -1", "max_body_bytes"),
    ("surprise = 1", "surprise: Extra inputs are not permitted"),
    ("[[trusted_clients]]\niss = 'x'", "give exactly one of jwks_file and jwks_url"),
    ("not toml [", "not valid TOML"),
])
def test_a_bad_configuration_is_refused_before_serving(tmp_path, capsys, content, expected):
    config = tmp_path / "bad.toml"
    config.write_text(content)
    assert main(["serve", "--config", str(config)]) == 2
    assert expected in capsys.readouterr().err


def test_a_missing_jwks_file_is_refused_before_serving(tmp_path, capsys):
    config = tmp_path / "service.toml"
    config.write_text('database_url = "sqlite:///never.sqlite"\n'
                      '[[trusted_clients]]\niss = "https://ehr.example"\njwks_file = "missing.json"\n')
    assert main(["serve", "--config", str(config)]) == 2
    assert "cannot read the JWKS file" in capsys.readouterr().err
    assert not (tmp_path / "never.sqlite").exists()


def test_audit_of_an_empty_store(tmp_path, capsys):
    config = tmp_path / "service.toml"
    config.write_text('database_url = "sqlite:///empty.sqlite"\n')
    assert main(["audit", "--config", str(config)]) == 0
    assert "consultations: 0" in capsys.readouterr().out
    assert (tmp_path / "empty.sqlite").exists()  # relative to the configuration's folder
