import pytest
from aegis_cli.errors import UsageError
from aegis_cli.names import validate_project_name


@pytest.mark.parametrize("name", ["my-api", "mvp-api", "shop2", "a", "data_service", "x" * 50])
def test_valid_names_pass(name: str) -> None:
    assert validate_project_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        " ",
        "../x",
        "a/b",
        ".hidden",
        "My App",
        "MyApp",
        "1abc",
        "-x",
        "a--b",
        "a-",
        "class",
        "import",
        "aegis",
        "aegis-core",
        "x" * 51,
    ],
)
def test_invalid_names_raise_usage_error(name: str) -> None:
    with pytest.raises(UsageError) as caught:
        validate_project_name(name)
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.message
