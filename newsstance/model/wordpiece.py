"""The saved model's tokenizer.json read with the `tokenizers` library alone (no transformers import),
behind the small part of the transformers tokenizer interface that encoding.py uses."""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer

from newsstance.errors import ModelLoadError


class WordpieceTokenizer:
    def __init__(self, path: Path):
        try:
            self._tok = Tokenizer.from_file(str(path))
        except Exception as e:  # tokenizers raises a bare Exception on unreadable JSON
            raise ModelLoadError(f"{path}: tokenizer missing or corrupt ({e})") from None
        self._tok.no_truncation()
        self._tok.no_padding()
        vocab = self._tok.get_vocab()
        try:
            self.cls_token_id, self.sep_token_id, self.pad_token_id = vocab["[CLS]"], vocab["[SEP]"], vocab["[PAD]"]
        except KeyError as e:
            raise ModelLoadError(f"{path}: tokenizer has no {e} token") from None

    def __call__(self, texts: list[str], add_special_tokens: bool = False, return_offsets_mapping: bool = True,
                 truncation: bool = False) -> dict[str, list]:
        encodings = self._tok.encode_batch(list(texts), add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encodings], "offset_mapping": [e.offsets for e in encodings]}
