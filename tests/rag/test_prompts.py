import pytest

from rag import prompts


@pytest.mark.parametrize("name", sorted(prompts.TEMPLATES))
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_template_renders_completely(name: str, language: str) -> None:
    values = {field: "X1" for field in prompts.placeholders(name, language)}
    text = prompts.render(name, language, **values)
    assert "{" not in text and "}" not in text
    assert ("X1" in text) == bool(values)
    # A Dutch answer starts with the quote itself; every other text is non-empty.
    assert text.strip() or (name, language) == ("answer_intro", "nl")


def test_dutch_is_the_default_and_fallback() -> None:
    assert prompts.render("refusal", "nl") == (
        "De geladen documenten bevatten geen antwoord op deze vraag."
    )
    assert prompts.render("refusal", "de") == prompts.render("refusal", "nl")


def test_rendered_values_appear_in_both_languages() -> None:
    nl = prompts.render("question_too_long", "nl", length=3000, limit=2000)
    en = prompts.render("question_too_long", "en", length=3000, limit=2000)
    assert "3000 tekens" in nl and "2000" in nl
    assert "3000 characters" in en


def test_both_languages_define_the_same_placeholders() -> None:
    for name in prompts.TEMPLATES:
        assert prompts.placeholders(name, "nl") == prompts.placeholders(name, "en"), name
