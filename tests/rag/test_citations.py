from rag.citations import join_lines, markers, renumber, split_sentences, strip_markers


def test_markers_in_every_spelling() -> None:
    assert markers("A [1]. B [2, 3] C [4][5] D [6; 7] E [x] [ 8 ]") == [1, 2, 3, 4, 5, 6, 7]


def test_strip_markers_tidies_the_punctuation() -> None:
    assert strip_markers("De Metalektro telt 1.350 bedrijven [1].") == (
        "De Metalektro telt 1.350 bedrijven."
    )


def test_sentences_keep_their_markers_and_numbers_stay_whole() -> None:
    text = (
        "De Metalektro telt 1.350 bedrijven. [1] Er werken 159.710 mensen [2]. "
        "Dat is o.a. 7% meer [1, 3].\n- Meer stages [2]\nZonder bron."
    )
    found = split_sentences(text)
    assert [s.claim for s in found] == [
        "De Metalektro telt 1.350 bedrijven.",
        "Er werken 159.710 mensen.",
        "Dat is o.a. 7% meer.",
        "Meer stages",
        "Zonder bron.",
    ]
    assert [s.cited for s in found] == [(1,), (2,), (1, 3), (2,), ()]
    assert [s.line for s in found] == [0, 0, 0, 1, 2]


def test_renumber_follows_first_use_and_merges_groups() -> None:
    texts, order = renumber(["A [3].", "B [1][3].", "C [3, 5]."])
    assert texts == ["A [1].", "B [2][1].", "C [1][3]."]
    assert order == [3, 1, 5]


def test_join_lines_keeps_list_items_on_their_own_line() -> None:
    found = split_sentences("Intro [1]. Meer [1].\n- item [2]")
    assert join_lines(found, [s.text for s in found]) == "Intro [1]. Meer [1].\n- item [2]"


def test_a_marker_that_opens_a_line_cites_the_sentence_after_it() -> None:
    found = split_sentences("[2] De sector groeit.\n[1] Zij telt 1.350 bedrijven. Meer niet [1].")
    assert [(s.claim, s.cited) for s in found] == [
        ("De sector groeit.", (2,)),
        ("Zij telt 1.350 bedrijven.", (1,)),
        ("Meer niet.", (1,)),
    ]
    assert found[0].text == "De sector groeit. [2]"
