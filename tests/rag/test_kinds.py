"""Question kinds pick the answer's shape."""

import pytest

from rag.kinds import has_number, question_kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel werknemers telt de Metalektro?", "quantity"),
        ("hoe oud zijn de werknemers gemiddeld", "quantity"),
        ("Wanneer is het akkoord gesloten?", "fact"),
        ("Who signed the national accord?", "fact"),
        ("Tot welke factor moet de bekostiging omhoog?", "fact"),
        ("Welke buurlanden werven actief vakkrachten?", "list"),
        ("Hoe kijken de partners naar arbeidsmigratie?", "position"),
        ("Welke voorstellen doen de technieksectoren?", "list"),
        ("What are the main proposals?", "list"),
        ("Wat vinden de technieksectoren van arbeidsmigratie?", "position"),
        ("What do the technical sectors want from the government?", "position"),
        ("Waarom is scholing belangrijk?", "explanation"),
        ("Hoe werkt een skillspaspoort?", "explanation"),
        ("Wat is een skillspaspoort?", "fact"),
    ],
)
def test_question_kind(question: str, kind: str) -> None:
    assert question_kind(question) == kind


def test_has_number() -> None:
    assert has_number("159.710 werknemers") and not has_number("geen cijfers")
