"""The encoder's input layout: the target first, then its context segments, within the window."""

import pytest

from newsstance.model.encoding import encode_batch


@pytest.fixture(scope="module")
def tokenizer(tiny_model):
    return tiny_model.tokenizer


def _ids(tokenizer, text: str) -> list[int]:
    return tokenizer([text], add_special_tokens=False)["input_ids"][0]


def test_the_lede_segment_follows_the_neighbours(tokenizer):
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    target, prev, nxt, lede = "He denied it.", "The singer died.", "Fans mourned.", "Axl Rose is not dead."
    [plain] = encode_batch(tokenizer, [target], [prev], [nxt], 128, 24)
    [with_lede] = encode_batch(tokenizer, [target], [prev], [nxt], 128, 24, [lede])
    neighbours = [cls, *_ids(tokenizer, target), sep, *_ids(tokenizer, prev), sep, *_ids(tokenizer, nxt), sep]
    assert plain.input_ids == neighbours
    assert with_lede.input_ids == [*neighbours, *_ids(tokenizer, lede), sep]
    n_target = len(_ids(tokenizer, target)) + 2
    assert with_lede.token_type_ids == [0] * n_target + [1] * (len(with_lede.input_ids) - n_target)
    assert with_lede.offsets[: plain.n_target + 1] == plain.offsets[: plain.n_target + 1]


def test_context_segments_share_what_the_target_leaves_of_the_window(tokenizer):
    long_context = " ".join(["word"] * 200)
    [e] = encode_batch(tokenizer, ["He denied it."], [long_context], [long_context], 40, 24, [long_context])
    assert len(e.input_ids) <= 40
    target = len(_ids(tokenizer, "He denied it.")) + 2
    share = (40 - target - 3) // 3
    assert len(e.input_ids) == target + 3 * share + 3
