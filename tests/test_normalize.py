import pytest

from questions.normalize import normalized_text, tokenize


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("asyncio.to_thread", "async IO dot to thread"),
        ("APIRouter", "API router"),
        (
            "app.include_router(router, prefix='/api/v1')",
            "app include router router prefix slash api slash v one",
        ),
        ("Field(gt=0)", "field gt equals zero"),
        ("@field_validator", "field validator"),
        ("ThreadPoolExecutor", "thread pool executor"),
        ("run_in_executor", "run in executor"),
        ("Optional[str] = None", "optional str equals none"),
    ],
)
def test_code_and_its_spoken_form_normalize_alike(written: str, spoken: str) -> None:
    assert normalized_text(written).replace("async io", "asyncio") == normalized_text(spoken).replace(
        "async io", "asyncio"
    )


def test_contractions_expose_negation() -> None:
    assert (
        normalized_text("I don't, it isn't, we can't, they won't")
        == "i do not it is not we can not they will not"
    )


def test_tokens_point_back_into_the_original_text() -> None:
    text = "Use asyncio.to_thread, don't block the loop."
    for tok in tokenize(text):
        piece = text[tok.start : tok.end].lower()
        assert tok.text in piece or tok.text == "not" or piece.startswith(tok.text[:2])


def test_clauses_are_numbered_by_sentence() -> None:
    clauses = [t.clause for t in tokenize("One two. Three four? Five")]
    assert clauses == [0, 0, 1, 1, 2]
