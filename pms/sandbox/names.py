"""Name and place pools for the seeded guests.

Most guests of a Yogyakarta hotel are Indonesian; the rest come from the usual source markets. The
pools deliberately include names in Chinese, Japanese, Korean and Arabic script and accented Latin
names, because the hotel's MySQL tables and every screen must survive them (utf8mb4), and because
Indonesians often have a single name, which Cloudbeds stores as first and last name alike.
"""

from __future__ import annotations

__all__ = ["ADDONS", "EMAIL_DOMAINS", "INDONESIAN_CITIES", "MARKETS"]

# country code -> (weight, phone prefix, first names (M, F), last names, cities)
MARKETS: dict[
    str, tuple[int, str, tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...], tuple[str, ...]]
] = {
    "ID": (
        60,
        "+62",
        (
            (
                "Budi",
                "Agus",
                "Rizky",
                "Ahmad",
                "Dimas",
                "Eko",
                "Hendra",
                "Putu",
                "Made",
                "Wayan",
                "Ketut",
                "Bayu",
                "Fajar",
                "Gilang",
                "Joko",
                "Bambang",
                "Yusuf",
                "Arief",
                "Teguh",
                "Andi",
            ),
            (
                "Siti",
                "Dewi",
                "Fitri",
                "Ayu",
                "Rina",
                "Putri",
                "Nur",
                "Indah",
                "Wulan",
                "Sri",
                "Ratna",
                "Lestari",
                "Kartika",
                "Anisa",
                "Maya",
                "Intan",
                "Nyoman",
                "Citra",
                "Yuliana",
                "Rahmawati",
            ),
        ),
        (
            "Santoso",
            "Wijaya",
            "Pratama",
            "Saputra",
            "Hidayat",
            "Kusuma",
            "Nugroho",
            "Setiawan",
            "Wibowo",
            "Siregar",
            "Nasution",
            "Lubis",
            "Harahap",
            "Simanjuntak",
            "Halim",
            "Tanoto",
            "Gunawan",
            "Susanto",
            "Purnomo",
            "Rahardjo",
            "Sutrisno",
            "Manurung",
            "Tambunan",
            "Hutagalung",
            "Sembiring",
        ),
        (
            "Jakarta Selatan",
            "Surabaya",
            "Bandung",
            "Semarang",
            "Yogyakarta",
            "Denpasar",
            "Medan",
            "Makassar",
            "Malang",
            "Solo",
            "Bekasi",
            "Tangerang",
            "Bogor",
            "Palembang",
            "Balikpapan",
        ),
    ),
    "AU": (
        6,
        "+61",
        (("Liam", "Jack", "Noah", "Oliver"), ("Charlotte", "Olivia", "Chloe", "Mia")),
        ("Smith", "Nguyen", "O'Brien", "Williams", "Taylor", "McKenzie"),
        ("Perth", "Melbourne", "Sydney"),
    ),
    "NL": (
        4,
        "+31",
        (("Daan", "Sem", "Bram", "Joost"), ("Femke", "Sanne", "Lotte", "Noor")),
        ("de Vries", "van den Berg", "Jansen", "Bakker", "van Dijk"),
        ("Amsterdam", "Utrecht", "Den Haag"),
    ),
    "DE": (
        3,
        "+49",
        (("Jürgen", "Lukas", "Maximilian", "Günter"), ("Jülide", "Anna", "Lea", "Käthe")),
        ("Müller", "Schröder", "Weiß", "Groß", "Becker"),
        ("München", "Köln", "Berlin"),
    ),
    "FR": (
        3,
        "+33",
        (("Étienne", "Loïc", "François", "Hugo"), ("Élodie", "Chloé", "Margaux", "Anaïs")),
        ("Lefèvre", "Dubois", "Garçon", "Moreau", "Bénard"),
        ("Paris", "Lyon", "Besançon"),
    ),
    "SG": (
        4,
        "+65",
        (("Wei Jie", "Ravi", "Marcus"), ("Hui Min", "Priya", "Shu Fen")),
        ("Tan", "Lim", "Ng", "Pillai", "Goh"),
        ("Singapore",),
    ),
    "MY": (
        4,
        "+60",
        (("Ahmad Faiz", "Hafiz", "Chong Wei"), ("Nurul", "Aisyah", "Mei Ling")),
        ("bin Abdullah", "Ismail", "Wong", "Lee", "binti Rahman"),
        ("Kuala Lumpur", "Penang", "Johor Bahru"),
    ),
    "CN": (
        4,
        "+86",
        (("伟", "强", "磊", "军"), ("娜", "丽", "静", "敏")),
        ("王", "李", "张", "刘", "陈"),
        ("北京", "上海", "广州"),
    ),
    "JP": (
        3,
        "+81",
        (("翔太", "健", "大輔"), ("さくら", "陽子", "美咲")),
        ("佐藤", "鈴木", "高橋", "田中"),
        ("東京", "大阪", "福岡"),
    ),
    "KR": (
        2,
        "+82",
        (("민준", "서준", "지훈"), ("서연", "지민", "하은")),
        ("김", "이", "박", "최"),
        ("서울", "부산"),
    ),
    "SA": (
        2,
        "+966",
        (("محمد", "عبدالله", "فهد"), ("نورة", "سارة", "فاطمة")),
        ("العتيبي", "القحطاني", "الحربي", "الشمري"),
        ("الرياض", "جدة"),
    ),
    "AE": (
        1,
        "+971",
        (("Omar", "Khalid", "Saeed"), ("Mariam", "Aisha", "Huda")),
        ("Al Mansoori", "Al Hashimi", "Al Nuaimi"),
        ("Dubai", "Abu Dhabi"),
    ),
    "GB": (
        2,
        "+44",
        (("Harry", "George", "Oliver"), ("Amelia", "Isla", "Siobhán")),
        ("Jones", "Brown", "Ó Briain", "Davies"),
        ("London", "Manchester", "Bristol"),
    ),
    "US": (
        2,
        "+1",
        (("James", "Michael", "José"), ("Emily", "Sofía", "Madison")),
        ("Johnson", "García", "Peña", "Miller"),
        ("Seattle", "Austin", "Boston"),
    ),
}

INDONESIAN_CITIES = MARKETS["ID"][4]
EMAIL_DOMAINS = ("gmail.com", "yahoo.co.id", "outlook.com", "icloud.com", "mail.example")

# Extras a front desk adds to a folio, per night (rupiah): they end up in `additionalItems`.
ADDONS = (("Breakfast for two", 150_000), ("Airport transfer", 250_000), ("Extra bed", 200_000))
