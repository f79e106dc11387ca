"""Hand-written, hand-checked name parts for the second evaluation set (``build_eval2.py``).

Deliberately different from ``name_lists.py`` (the first set) and from every table inside
``tcx.matching``: the Sino-Vietnamese (Hán-Việt) readings here were written from general
knowledge of Vietnamese, not taken from Unihan (which TCX uses), the Burmese syllables carry the
spelling variants seen between romanisations, and the Hokkien/Teochew surnames are the
conventional Singapore/Malaysia spellings. Released with TCX under Apache-2.0.
"""

# (traditional, simplified, Hán-Việt reading) — common Chinese surnames.
HAN_SURNAMES = [
    ("王", "王", "Vương"), ("李", "李", "Lý"), ("張", "张", "Trương"), ("劉", "刘", "Lưu"),
    ("陳", "陈", "Trần"), ("楊", "杨", "Dương"), ("黃", "黄", "Hoàng"), ("趙", "赵", "Triệu"),
    ("吳", "吴", "Ngô"), ("周", "周", "Chu"), ("徐", "徐", "Từ"), ("孫", "孙", "Tôn"),
    ("馬", "马", "Mã"), ("胡", "胡", "Hồ"), ("郭", "郭", "Quách"), ("何", "何", "Hà"),
    ("高", "高", "Cao"), ("林", "林", "Lâm"), ("羅", "罗", "La"), ("鄭", "郑", "Trịnh"),
    ("梁", "梁", "Lương"), ("謝", "谢", "Tạ"), ("宋", "宋", "Tống"), ("唐", "唐", "Đường"),
    ("許", "许", "Hứa"), ("韓", "韩", "Hàn"), ("馮", "冯", "Phùng"), ("鄧", "邓", "Đặng"),
    ("曹", "曹", "Tào"), ("曾", "曾", "Tăng"), ("田", "田", "Điền"), ("董", "董", "Đổng"),
    ("潘", "潘", "Phan"), ("蔣", "蒋", "Tưởng"), ("蔡", "蔡", "Thái"), ("杜", "杜", "Đỗ"),
    ("葉", "叶", "Diệp"), ("蘇", "苏", "Tô"), ("魏", "魏", "Ngụy"), ("呂", "吕", "Lữ"),
    ("丁", "丁", "Đinh"), ("沈", "沈", "Thẩm"), ("姜", "姜", "Khương"), ("鍾", "钟", "Chung"),
    ("譚", "谭", "Đàm"), ("陸", "陆", "Lục"), ("范", "范", "Phạm"), ("金", "金", "Kim"),
    ("石", "石", "Thạch"), ("廖", "廖", "Liêu"), ("夏", "夏", "Hạ"), ("方", "方", "Phương"),
    ("白", "白", "Bạch"), ("孟", "孟", "Mạnh"), ("秦", "秦", "Tần"), ("江", "江", "Giang"),
    ("段", "段", "Đoàn"), ("陶", "陶", "Đào"), ("黎", "黎", "Lê"), ("龍", "龙", "Long"),
    ("武", "武", "Vũ"), ("莫", "莫", "Mạc"), ("孔", "孔", "Khổng"), ("嚴", "严", "Nghiêm"),
]  # fmt: skip

# (traditional, simplified, Hán-Việt reading) — characters common in given names.
HAN_GIVEN = [
    ("偉", "伟", "Vĩ"), ("芳", "芳", "Phương"), ("敏", "敏", "Mẫn"), ("靜", "静", "Tĩnh"),
    ("麗", "丽", "Lệ"), ("強", "强", "Cường"), ("軍", "军", "Quân"), ("勇", "勇", "Dũng"),
    ("傑", "杰", "Kiệt"), ("明", "明", "Minh"), ("秀", "秀", "Tú"), ("英", "英", "Anh"),
    ("華", "华", "Hoa"), ("文", "文", "Văn"), ("平", "平", "Bình"), ("輝", "辉", "Huy"),
    ("建", "建", "Kiến"), ("國", "国", "Quốc"), ("紅", "红", "Hồng"), ("玉", "玉", "Ngọc"),
    ("海", "海", "Hải"), ("東", "东", "Đông"), ("春", "春", "Xuân"), ("志", "志", "Chí"),
    ("德", "德", "Đức"), ("成", "成", "Thành"), ("雲", "云", "Vân"), ("光", "光", "Quang"),
    ("天", "天", "Thiên"), ("家", "家", "Gia"), ("俊", "俊", "Tuấn"), ("峰", "峰", "Phong"),
    ("蘭", "兰", "Lan"), ("梅", "梅", "Mai"), ("忠", "忠", "Trung"), ("義", "义", "Nghĩa"),
    ("仁", "仁", "Nhân"), ("安", "安", "An"), ("寧", "宁", "Ninh"), ("慧", "慧", "Tuệ"),
    ("興", "兴", "Hưng"), ("雄", "雄", "Hùng"), ("勝", "胜", "Thắng"), ("長", "长", "Trường"),
    ("福", "福", "Phúc"), ("祥", "祥", "Tường"), ("貴", "贵", "Quý"), ("富", "富", "Phú"),
    ("榮", "荣", "Vinh"), ("宇", "宇", "Vũ"), ("浩", "浩", "Hạo"), ("凱", "凯", "Khải"),
    ("欣", "欣", "Hân"), ("佳", "佳", "Giai"), ("婷", "婷", "Đình"), ("雪", "雪", "Tuyết"),
    ("燕", "燕", "Yến"), ("香", "香", "Hương"), ("月", "月", "Nguyệt"), ("清", "清", "Thanh"),
    ("山", "山", "Sơn"), ("水", "水", "Thủy"), ("鳳", "凤", "Phượng"), ("新", "新", "Tân"),
    ("永", "永", "Vĩnh"), ("智", "智", "Trí"), ("達", "达", "Đạt"), ("寶", "宝", "Bảo"),
]  # fmt: skip

# Vietnamese names (with diacritics): family names, middle names, given names. Given names come
# in namesake groups that differ only in diacritics (different names in Vietnamese).
VI_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ",
             "Ngô", "Dương", "Lý", "Trịnh", "Đinh", "Lâm", "Mai", "Tô", "Cao", "Lưu", "Tạ", "Quách"]  # fmt: skip
VI_MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Công", "Quang", "Minh", "Ngọc", "Thanh", "Xuân", "Kim", "Thành",
             "Bảo", "Gia", "Hoài", "Tuấn"]  # fmt: skip
VI_NAMESAKES = [
    ["Hùng", "Hưng", "Hứng"], ["Lan", "Lân", "Lận"], ["Tâm", "Tám", "Tấm"], ["Minh", "Mính"],
    ["Thu", "Thư", "Thủ"], ["Hà", "Hạ", "Hải"], ["Vân", "Văn", "Vấn"], ["Tú", "Tư", "Tứ"],
    ["Hoà", "Hoá", "Hoả"], ["Long", "Lòng", "Lộng"], ["Nga", "Ngà", "Ngạ"], ["Sơn", "Són"],
    ["Thanh", "Thành", "Thạnh"], ["Bình", "Bính"], ["Quý", "Quỳ", "Quy"], ["Linh", "Lĩnh", "Lịnh"],
    ["Phương", "Phượng"], ["Thuý", "Thuỷ", "Thuỳ"], ["Hiền", "Hiển", "Hiến"], ["Trang", "Tráng", "Trắng"],
    ["Dũng", "Dung", "Dùng"], ["Huy", "Hủy", "Hụy"], ["Nam", "Năm"], ["Lộc", "Lốc"],
    ["Hoa", "Hòa", "Hóa"], ["Khánh", "Khanh"], ["Thắng", "Thăng", "Thặng"], ["Yến", "Yên"],
    ["Cường", "Cương"], ["Đạt", "Đắt"], ["Kiên", "Kiến", "Kiện"], ["Trung", "Trúng", "Trưng"],
]  # fmt: skip
VI_SECOND_GIVEN = ["Anh", "Khoa", "Thư", "Vy", "Châu", "Nhi", "Quân", "Phúc", "Duy", "Tài"]

# Malay: given names (male, female) and fathers' names, not those of the first set.
MS_MALE = ["Ahmad Faiz", "Hafizuddin", "Syahmi", "Ikhwan", "Luqman", "Amirul", "Hazwan", "Aqil", "Danial",
           "Nabil", "Ridhwan", "Fakhrul", "Adib", "Zikri", "Akmal", "Hariz", "Shafiq", "Imran", "Najib",
           "Izzat", "Faris", "Haikal", "Afiq", "Asyraf"]  # fmt: skip
MS_FEMALE = ["Nur Syafiqah", "Aina Sofea", "Nurin", "Alya", "Hanis", "Balqis", "Qistina", "Irdina",
             "Nur Atiqah", "Syazwani", "Amirah", "Husna", "Izzati", "Wardah", "Sofia", "Humaira"]  # fmt: skip
MS_FATHERS = ["Razali", "Zainal Abidin", "Mokhtar", "Shamsudin", "Rosli", "Hashim", "Yaakob", "Salleh",
              "Mat Isa", "Harun", "Bakar", "Ghazali", "Nordin", "Jamaluddin", "Daud", "Idris"]  # fmt: skip
MS_MUHAMMAD = ["Muhammad", "Mohd", "Muhd", "Mohamad", "Mohammad", "Md"]

# Burmese syllables: (script, romanisation variants — the first the most usual).
MY_SYLLABLES = [
    ("အောင်", ["Aung", "Aong"]), ("ကျော်", ["Kyaw", "Kyau", "Chaw"]), ("မိုး", ["Moe", "Mo", "Mou"]),
    ("ထွန်း", ["Htun", "Tun", "Htoon"]), ("ဝင်း", ["Win", "Winn"]), ("ဇော်", ["Zaw", "Zau", "Zawe"]),
    ("မြင့်", ["Myint", "Myin"]), ("သိန်း", ["Thein", "Thane", "Thien"]), ("စိုး", ["Soe", "So"]),
    ("လှ", ["Hla", "Hlaa"]), ("ခင်", ["Khin", "Khinn"]), ("သူ", ["Thu", "Thuu", "Thoo"]),
    ("ငြိမ်း", ["Nyein", "Nyain", "Nyeint"]), ("ထက်", ["Htet", "Htat", "Het"]), ("နိုင်", ["Naing", "Nai"]),
    ("လွင်", ["Lwin", "Lwinn"]), ("ဆွေ", ["Swe", "Sway"]), ("မင်း", ["Min", "Minn"]),
    ("ဖြိုး", ["Phyo", "Pyo", "Phyoe"]), ("ပိုင်", ["Paing", "Pai"]), ("ချို", ["Cho", "Cho", "Kyo"]),
    ("နု", ["Nu", "Nuu"]), ("အေး", ["Aye", "Aey", "Ei"]), ("မာ", ["Mar", "Ma"]), ("ယု", ["Yu", "Yuu"]),
    ("ဝေ", ["Wai", "Way", "We"]), ("ကြည်", ["Kyi", "Kyee", "Chi"]), ("စန်း", ["San", "Sann"]),
    ("နွယ်", ["Nwe", "Nway"]), ("ရီ", ["Yi", "Yee"]), ("သက်", ["Thet", "That"]), ("ဟန်", ["Han", "Hann"]),
    ("ပြည့်", ["Pyae", "Pye", "Pyay"]), ("ဇင်", ["Zin", "Zinn"]), ("ကောင်း", ["Kaung", "Kaong"]),
    ("ညီ", ["Nyi", "Nyee"]), ("ထား", ["Htar", "Hta", "Tar"]), ("ရွှေ", ["Shwe", "Shway"]),
    ("ဦး", ["Oo", "U", "Oh"]), ("ခိုင်", ["Khine", "Khaing"]), ("လင်း", ["Linn", "Lin"]),
]  # fmt: skip
# (script, Latin, abbreviation or None, gender or None for both)
MY_HONORIFICS = [("ဦး", "U", None, "male"), ("ဒေါ်", "Daw", None, "female"), ("ကို", "Ko", None, "male"),
                 ("မ", "Ma", None, "female"), ("မောင်", "Maung", "Mg", "male")]  # fmt: skip

# Hokkien / Teochew surnames as conventionally spelled in Singapore and Malaysia.
HOKKIEN_SURNAMES = {"陳": "Tan", "林": "Lim", "黃": "Ng", "王": "Ong", "吳": "Goh", "張": "Teo",
                    "李": "Lee", "鄭": "Tay", "許": "Koh", "蔡": "Chua", "楊": "Yeo", "沈": "Sim",
                    "杜": "Toh", "郭": "Quek", "何": "Ho", "謝": "Chia", "周": "Chew", "方": "Png",
                    "葉": "Yap", "蘇": "Soh", "梁": "Neo", "劉": "Lau", "馬": "Beh", "曾": "Chan"}  # fmt: skip

# Organisation name cores, per country: (local form, English / romanised form).
ORG_CORES_VN = [("Hoàng Long", "Hoang Long"), ("Phú Thành", "Phu Thanh"), ("Đại Việt", "Dai Viet"),
                ("Sao Mai", "Sao Mai"), ("Minh Phát", "Minh Phat"), ("Thành Công", "Thanh Cong"),
                ("Hải Âu", "Hai Au"), ("Tân Phú", "Tan Phu"), ("Bình Minh", "Binh Minh"),
                ("Kim Long", "Kim Long"), ("Hưng Thịnh", "Hung Thinh"), ("Phúc An", "Phuc An")]  # fmt: skip
ORG_TRADES_VN = [("Thương mại", "Trading"), ("Xây dựng", "Construction"), ("Vận tải", "Transport"),
                 ("Xuất nhập khẩu", "Import Export"), ("Đầu tư", "Investment"), ("Thủy sản", "Seafood")]  # fmt: skip
ORG_FORMS_VN = [("Công ty Cổ phần", "CTCP", "JSC"), ("Công ty TNHH", "Cty TNHH", "Co., Ltd.")]
ORG_CORES_TH = [("สยามรุ่งเรือง", "Siam Rungrueang"), ("ทองมั่นคง", "Thong Mankhong"),
                ("เจริญพัฒนา", "Charoen Phatthana"), ("ศรีสวัสดิ์", "Sri Sawat"), ("มหาชัย", "Mahachai"),
                ("ไทยเดินเรือ", "Thai Doen Ruea"), ("รวมโชค", "Ruam Chok"), ("แสงทอง", "Saeng Thong"),
                ("บูรพา", "Burapha"), ("เพชรเกษม", "Phet Kasem")]  # fmt: skip
ORG_CORES_MY = ["Maju Jaya", "Sinar Bintang", "Cahaya Timur", "Bumi Hijau", "Teguh Setia", "Mega Permata",
                "Indah Murni", "Sri Perdana", "Jaya Makmur", "Harapan Baru"]  # fmt: skip
ORG_CORES_ID = ["Sinar Harapan", "Bumi Nusantara", "Mitra Sejahtera", "Cahaya Abadi", "Karya Mandiri",
                "Samudra Biru", "Tunas Muda", "Anugerah Jaya", "Lautan Emas", "Prima Sentosa"]  # fmt: skip
ORG_CORES_EN = ["Golden Dragon", "Pacific Star", "Eastern Pearl", "Silver Lotus", "Jade River",
                "Blue Ocean", "Red Phoenix", "Lucky Harbour", "Orient Bridge", "Summit Peak"]  # fmt: skip
ORG_TRADES_EN = ["Trading", "Logistics", "Shipping", "Holdings", "Resources", "Marine"]
