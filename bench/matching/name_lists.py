"""Hand-written name parts for scripts that no installable package covers (Burmese, Khmer, Lao),
Malay patronymic names, and a list of real public figures written in their own script and in
their usual romanisation. Written for this bench from general knowledge of the region's naming
conventions; released with TCX under Apache-2.0. Each pair is (original script, romanisation).
"""

BURMESE_SYLLABLES = [
    ("အောင်", "Aung"), ("ကျော်", "Kyaw"), ("မြင့်", "Myint"), ("ဝင်း", "Win"), ("ဇော်", "Zaw"),
    ("ထွန်း", "Htun"), ("စိုး", "Soe"), ("လှ", "Hla"), ("မောင်", "Maung"), ("သိန်း", "Thein"),
    ("နိုင်", "Naing"), ("ထက်", "Htet"), ("ဆန်း", "San"), ("မင်း", "Min"), ("ခိုင်", "Khine"),
    ("သန်း", "Than"), ("တင်", "Tin"), ("မြ", "Mya"), ("ခင်", "Khin"), ("နွယ်", "Nwe"),
    ("ဖြိုး", "Phyo"), ("ပိုင်", "Paing"), ("သူ", "Thu"), ("ရဲ", "Ye"), ("လွင်", "Lwin"),
    ("ချို", "Cho"), ("ဆွေ", "Swe"), ("ရွှေ", "Shwe"), ("ဇင်", "Zin"), ("ဟိန်း", "Hein"),
    ("သက်", "Thet"), ("နေ", "Nay"), ("လင်း", "Lin"), ("ကောင်း", "Kaung"), ("ပြည့်", "Pyae"),
    ("စန္ဒာ", "Sandar"), ("သီတာ", "Thida"), ("ဥာဏ်", "Nyan"), ("ထိုက်", "Htike"), ("မိုး", "Moe"),
]  # fmt: skip
BURMESE_HONORIFICS = [("ဦး", "U"), ("ဒေါ်", "Daw"), ("ကို", "Ko")]

KHMER_FAMILY = [
    ("សុខ", "Sok"), ("ចាន់", "Chan"), ("គឹម", "Kim"), ("ហ៊ុន", "Hun"), ("លី", "Ly"), ("ជា", "Chea"),
    ("សេង", "Seng"), ("ម៉ៅ", "Mao"), ("ពេជ្រ", "Pich"), ("ឈឹម", "Chhim"), ("ហេង", "Heng"),
    ("នួន", "Nuon"), ("កែវ", "Keo"), ("សំ", "Sam"), ("ទេព", "Tep"), ("ឯក", "Ek"), ("យឹម", "Yim"),
    ("ព្រំ", "Prum"), ("ស៊ុន", "Sun"), ("ខៀវ", "Khieu"), ("ម៉ម", "Mom"), ("អ៊ុំ", "Um"),
]  # fmt: skip
KHMER_GIVEN = [
    ("ដារ៉ា", "Dara"), ("សុភា", "Sophea"), ("វណ្ណា", "Vanna"), ("ស្រីពៅ", "Sreypov"), ("បូរ៉ា", "Bora"),
    ("រតនា", "Ratana"), ("សុខា", "Sokha"), ("ចន្ថា", "Chantha"), ("វិចិត្រ", "Vichet"), ("ពិសិដ្ឋ", "Piseth"),
    ("សុផល", "Sophal"), ("ធារី", "Theary"), ("សុវណ្ណ", "Sovann"), ("រិទ្ធ", "Rith"), ("សំណាង", "Samnang"),
    ("បញ្ញា", "Panha"), ("មករា", "Makara"), ("ស្រីនាង", "Sreyneang"), ("វិសាល", "Visal"),
    ("ភក្តី", "Pheakdey"), ("កញ្ញា", "Kanha"), ("លីដា", "Lida"), ("សុខុម", "Sokhom"), ("ម៉ាណែត", "Manet"),
]  # fmt: skip

LAO_FAMILY = [
    ("ສີສຸລິດ", "Sisoulith"), ("ພົມວິຫານ", "Phomvihane"), ("ວົງສາ", "Vongsa"), ("ແກ້ວມະນີ", "Keomany"),
    ("ສີພັນດອນ", "Siphandone"), ("ພິມມະສອນ", "Phimmasone"), ("ຈັນທະວົງ", "Chanthavong"),
    ("ສຸວັນນະວົງ", "Souvannavong"), ("ອິນທະວົງ", "Inthavong"), ("ພົມມະຈັນ", "Phommachanh"),
    ("ສີຫາລາດ", "Sihalath"), ("ແສງສຸລິຍາ", "Sengsouliya"), ("ດວງສະຫວັນ", "Douangsavanh"),
    ("ຄຳວົງສາ", "Khamvongsa"), ("ວໍລະຈິດ", "Vorachith"), ("ສີປະເສີດ", "Sipaseuth"),
]  # fmt: skip
LAO_GIVEN = [
    ("ສົມພອນ", "Somphone"), ("ບຸນມີ", "Bounmy"), ("ຄຳພອນ", "Khamphone"), ("ສຸລິຍາ", "Souliya"),
    ("ວັນໄຊ", "Vanxay"), ("ທອງລຸນ", "Thongloun"), ("ບົວພັນ", "Bouaphanh"), ("ສົມສັກ", "Somsack"),
    ("ພອນສະຫວັນ", "Phonesavanh"), ("ແສງເດືອນ", "Sengdeuane"), ("ນ້ອຍ", "Noy"), ("ຄຳແພງ", "Khamphaeng"),
    ("ບຸນທະວີ", "Bounthavy"), ("ມະນີວັນ", "Manivanh"), ("ສີວິໄລ", "Sivilay"), ("ອານຸສອນ", "Anousone"),
    ("ສອນໄຊ", "Sonexay"), ("ພັນຄຳ", "Phankham"),
]  # fmt: skip

MALAY_MALE = ["Faizal", "Hafiz", "Azman", "Rizal", "Amir", "Hakim", "Syafiq", "Firdaus", "Aiman", "Zulkifli",
              "Kamal", "Rahim", "Nazri", "Azlan", "Shahrul", "Irfan", "Haziq", "Farid", "Khairul", "Anuar"]  # fmt: skip
MALAY_FEMALE = ["Nurul Aina", "Siti Aisyah", "Nur Hidayah", "Farah", "Aishah", "Zainab", "Noraini", "Rosnah",
                "Salmah", "Fatimah", "Nor Azizah", "Siti Khadijah"]  # fmt: skip
MALAY_FATHERS = ["Abdullah", "Ismail", "Ibrahim", "Hassan", "Yusof", "Ahmad", "Osman", "Othman", "Rahman",
                 "Abdul Rahman", "Abdul Aziz", "Mahmud", "Sulaiman", "Hamzah", "Kassim", "Jaafar", "Razak"]  # fmt: skip
MUHAMMAD_FORMS = ["Muhammad", "Mohd", "Mohamad", "Mohammad", "Muhd", "Mohamed"]

# Public figures: (schema group, original script, usual romanisation).
REAL_PAIRS = [
    ("th", "ทักษิณ ชินวัตร", "Thaksin Shinawatra"),
    ("th", "ยิ่งลักษณ์ ชินวัตร", "Yingluck Shinawatra"),
    ("th", "แพทองธาร ชินวัตร", "Paetongtarn Shinawatra"),
    ("th", "ประยุทธ์ จันทร์โอชา", "Prayut Chan-o-cha"),
    ("th", "อภิสิทธิ์ เวชชาชีวะ", "Abhisit Vejjajiva"),
    ("th", "เศรษฐา ทวีสิน", "Srettha Thavisin"),
    ("th", "ประวิตร วงษ์สุวรรณ", "Prawit Wongsuwan"),
    ("th", "ชวน หลีกภัย", "Chuan Leekpai"),
    ("th", "อนุทิน ชาญวีรกูล", "Anutin Charnvirakul"),
    ("th", "สมัคร สุนทรเวช", "Samak Sundaravej"),
    ("zh", "习近平", "Xi Jinping"),
    ("zh", "李强", "Li Qiang"),
    ("zh", "王毅", "Wang Yi"),
    ("zh", "胡锦涛", "Hu Jintao"),
    ("zh", "温家宝", "Wen Jiabao"),
    ("zh", "李克强", "Li Keqiang"),
    ("zh", "毛泽东", "Mao Zedong"),
    ("zh", "邓小平", "Deng Xiaoping"),
    ("zh", "江泽民", "Jiang Zemin"),
    ("zh", "赵乐际", "Zhao Leji"),
    ("my", "အောင်ဆန်းစုကြည်", "Aung San Suu Kyi"),
    ("my", "မင်းအောင်လှိုင်", "Min Aung Hlaing"),
    ("my", "သိန်းစိန်", "Thein Sein"),
    ("my", "ဝင်းမြင့်", "Win Myint"),
    ("my", "ထင်ကျော်", "Htin Kyaw"),
    ("my", "သန်းရွှေ", "Than Shwe"),
    ("km", "ហ៊ុន សែន", "Hun Sen"),
    ("km", "ហ៊ុន ម៉ាណែត", "Hun Manet"),
    ("km", "នរោត្តម សីហមុនី", "Norodom Sihamoni"),
    ("km", "សម រង្ស៊ី", "Sam Rainsy"),
    ("km", "កឹម សុខា", "Kem Sokha"),
    ("lo", "ທອງລຸນ ສີສຸລິດ", "Thongloun Sisoulith"),
    ("lo", "ສອນໄຊ ສີພັນດອນ", "Sonexay Siphandone"),
    ("lo", "ບຸນຍັງ ວໍລະຈິດ", "Bounnhang Vorachith"),
    ("lo", "ພັນຄຳ ວິພາວັນ", "Phankham Viphavanh"),
    ("vi", "Nguyễn Phú Trọng", "Nguyen Phu Trong"),
    ("vi", "Tô Lâm", "To Lam"),
    ("vi", "Phạm Minh Chính", "Pham Minh Chinh"),
]
