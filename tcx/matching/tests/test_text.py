from tcx.matching.text import clean_tokens, detect_script, fold, name_forms, skeleton


def test_detect_script():
    assert detect_script("Nguyễn Văn Anh") == "latin"
    assert detect_script("ทักษิณ ชินวัตร") == "thai"
    assert detect_script("习近平") == "han"
    assert detect_script("အောင်ဆန်းစုကြည်") == "myanmar"
    assert detect_script("ហ៊ុន សែន") == "khmer"
    assert detect_script("ສີສຸລິດ") == "lao"
    assert detect_script("12345") == "latin"


def test_fold_vietnamese_d_is_folded_explicitly():
    assert fold("Đặng Đức Thắng") == "dang duc thang"
    assert fold("Nguyễn") == "nguyen"


def test_honorifics_and_particles_are_dropped():
    assert clean_tokens(["pol", "lt", "gen", "somchai", "jaidee"]) == ["somchai", "jaidee"]
    assert clean_tokens(["haji", "ahmad", "bin", "ismail"]) == ["ahmad", "ismail"]
    assert clean_tokens(["u", "thein", "sein"]) == ["thein", "sein"]
    # a weak honorific that is also a name is kept when it would leave a single token
    assert clean_tokens(["maung", "maung"]) == ["maung", "maung"]


def test_muhammad_variants_are_one_token():
    for variant in ("Mohd", "Muhammad", "Mohamad", "Mohammed", "Md"):
        assert name_forms(f"{variant} Faizal")[0].tokens == ("muhammad", "faizal")


def test_thai_keeps_original_marks_and_romanises():
    forms = name_forms("นายสมชาย ใจดี")
    assert forms[0].original == ("สมชาย", "ใจดี")  # title นาย stripped, marks kept
    assert ("somchai", "chaidi") in [f.tokens for f in forms]
    other = name_forms("สมชาย ใจดุ")
    assert forms[0].original != other[0].original


def test_han_gives_pinyin_with_joined_given_name():
    tokens = [f.tokens for f in name_forms("习近平")]
    assert ("xi", "jinping") in tokens
    assert ("xi", "jin", "ping") in tokens


def test_burmese_syllables_follow_common_spelling():
    tokens = [f.tokens for f in name_forms("အောင်ဆန်းစုကြည်")]
    assert ("aung", "san", "su", "kyi") in tokens
    assert name_forms("မင်းအောင်လှိုင်")[0].tokens == ("min", "aung", "hlaing")
    # the honorific ဦး (U) is dropped
    assert name_forms("ဦးသိန်းစိန်")[0].tokens == ("thein", "sein")


def test_khmer_and_lao_are_romanised():
    assert name_forms("ហ៊ុន សែន")[0].tokens == ("hon", "saen")
    assert name_forms("ສີສຸລິດ")[0].tokens == ("sisoulid",)


def test_skeleton_merges_regional_spellings():
    assert skeleton("shinawatra") == skeleton("chinwatr")
    assert skeleton("jaidee") == skeleton("chaidi")
    assert skeleton("hun") == skeleton("hon") == "hn"
    assert skeleton("somchai") != skeleton("sombat")


def test_empty_names_give_no_form():
    assert name_forms("  ") == []


def test_mixed_script_name_keeps_its_script_and_drops_latin_title():
    assert detect_script("Mr 劳鹏") == "han"
    forms = name_forms("Mr 劳鹏")
    assert forms[0].original == ("劳", "鹏")
    assert all("mr" not in f.tokens for f in forms)
    assert name_forms("Pol. Col. สมชาย ใจดี")[0].original == ("สมชาย", "ใจดี")


def test_any_sequence_of_regional_letters_is_handled():
    import random

    rnd = random.Random(3)
    blocks = [(0x0E01, 0x0E5B), (0x0E81, 0x0EDF), (0x1000, 0x109F), (0x1780, 0x17F9), (0x4E00, 0x4E80)]
    for _ in range(400):
        lo, hi = rnd.choice(blocks)
        word = "".join(chr(rnd.randint(lo, hi)) for _ in range(rnd.randint(1, 8)))
        for form in name_forms(word + " " + word[::-1]):
            assert all(t.isascii() for t in form.tokens)
