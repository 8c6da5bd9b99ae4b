"""The lean inference encoder must compute what transformers' BertModel computes."""

import torch
from conftest import FIXTURES
from transformers import BertConfig, BertModel

from newsstance.model.encoder import EncoderConfig, MiniBert


def test_minibert_matches_transformers_bert():
    config = BertConfig.from_pretrained(FIXTURES / "tiny_encoder")
    torch.manual_seed(0)
    reference = BertModel(config, add_pooling_layer=False).eval()
    lean = MiniBert(EncoderConfig.from_dict(config.to_dict())).eval()
    state = {k: v for k, v in reference.state_dict().items() if not k.endswith("position_ids")}
    lean.load_state_dict(state, strict=True)
    ids = torch.randint(5, config.vocab_size, (3, 17))
    types = torch.zeros_like(ids)
    types[:, 10:] = 1
    mask = torch.ones_like(ids)
    mask[1, 12:] = 0  # padding must be ignored the same way
    with torch.no_grad():
        expected = reference(input_ids=ids, token_type_ids=types, attention_mask=mask).last_hidden_state
        got = lean(ids, types, mask).last_hidden_state
    assert torch.allclose(got[mask.bool()], expected[mask.bool()], atol=1e-5)
