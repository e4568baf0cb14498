import pytest

from ghcr_stats.names import InvalidName, check_owner, check_package


@pytest.mark.parametrize("owner", ["fluxcd", "a", "stefanprodan", "my-org", "A1-b2", "x" * 39])
def test_owner_names_github_allows(owner):
    assert check_owner(owner) == owner.lower()  # one spelling: GitHub's logins ignore case


@pytest.mark.parametrize(
    "owner", ["", "-fluxcd", "fluxcd-", "flux--cd", "flux_cd", "flux.cd", "x" * 40, "..", "a/b", "flüx", "a b"]
)
def test_owner_names_github_refuses(owner):
    with pytest.raises(InvalidName, match="invalid owner"):
        check_owner(owner)


@pytest.mark.parametrize(
    "package",
    ["flux-cli", "source-controller", "charts/flagger", "a", "a.b", "a_b", "a__b", "a---b", "x/y/z", "v1.2"],
)
def test_package_names_github_allows(package):
    assert check_package(package) == package


@pytest.mark.parametrize(
    "package",
    [
        "", "../etc", "..", "a/../b", "/abs", "a/", "Flux-CLI", "a..b", "a___b", "-a", "a-", ".a", "a//b",
        "a b", "a%2Fb", "a?b", "a#b", "x" * 256, "a\nb",
    ],
)
def test_package_names_github_refuses(package):
    with pytest.raises(InvalidName, match="invalid package"):
        check_package(package)


def test_the_error_says_which_rule_a_name_breaks():
    with pytest.raises(InvalidName) as e:
        check_package("Flux-CLI")
    assert str(e.value) == (
        "invalid package 'Flux-CLI': container package names are lowercase letters and digits "
        "separated by '.', '_', '__' or '-', nested with '/', at most 255 characters"
    )


def test_a_package_name_may_have_255_characters_not_more():
    assert check_package("a" * 255) == "a" * 255
    with pytest.raises(InvalidName):
        check_package("a" * 256)
