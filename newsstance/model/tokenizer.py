"""A saved model's tokenizer.json read with the `tokenizers` library alone, behind the small part of
the transformers tokenizer interface that encoding.py uses.

Why not transformers' AutoTokenizer: importing transformers costs 3.0-3.7 s on the 2-core machine
(5.3 s cold), `tokenizers` 0.07 s, and the default load path needs nothing else from transformers
(the network comes compiled from the OpenVINO cache), so `newsstance.load()` stays under 2 s.
"""

from __future__ import annotations

import json
from pathlib import Path

from tokenizers import Tokenizer

from newsstance.errors import ModelLoadError

# What each special token is called when tokenizer_config.json does not say (BERT's names).
_DEFAULT_SPECIALS = {"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]"}


def _special_tokens(directory: Path) -> dict[str, str]:
    names = dict(_DEFAULT_SPECIALS)
    config = directory / "tokenizer_config.json"
    if config.is_file():
        raw = json.loads(config.read_text(encoding="utf-8"))
        for key in names:
            value = raw.get(key)
            if isinstance(value, dict):  # {"content": "<s>", ...} in some tokenizer configs
                value = value.get("content")
            if isinstance(value, str):
                names[key] = value
    return names


class FastTokenizer:
    def __init__(self, directory: Path):
        path = Path(directory) / "tokenizer.json"
        try:
            self._tok = Tokenizer.from_file(str(path))
            specials = _special_tokens(Path(directory))
        except Exception as e:  # tokenizers raises a bare Exception on unreadable JSON
            raise ModelLoadError(f"{path}: tokenizer missing or corrupt ({e})") from None
        self._tok.no_truncation()
        self._tok.no_padding()
        vocab = self._tok.get_vocab()
        try:
            self.cls_token_id, self.sep_token_id, self.pad_token_id = (
                vocab[specials[k]] for k in ("cls_token", "sep_token", "pad_token"))
        except KeyError as e:
            raise ModelLoadError(f"{path}: tokenizer has no {e} token") from None

    def __call__(self, texts: list[str], add_special_tokens: bool = False, return_offsets_mapping: bool = True,
                 truncation: bool = False) -> dict[str, list]:
        encodings = self._tok.encode_batch(list(texts), add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encodings], "offset_mapping": [e.offsets for e in encodings]}
