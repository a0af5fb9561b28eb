"""Names of Chinese provinces and prefecture-level cities, to tell a document's jurisdiction.

A generic gazetteer: a unit name such as 市科技局 means a different body in each city, so the
parser must say which city the text is about.
"""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PROVINCES = _words(
    "北京 天津 上海 重庆 河北 山西 内蒙古 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 广西 海南 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆"
)

MUNICIPALITIES = ("北京", "天津", "上海", "重庆")

AUTONOMOUS_REGIONS = {
    "内蒙古": "内蒙古自治区",
    "广西": "广西壮族自治区",
    "西藏": "西藏自治区",
    "宁夏": "宁夏回族自治区",
    "新疆": "新疆维吾尔自治区",
}

CITIES = _words(
    "北京 天津 上海 重庆 "
    "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 "
    "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁 "
    "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 "
    "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛 "
    "长春 吉林 四平 辽源 通化 白山 松原 白城 "
    "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 "
    "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 "
    "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 "
    "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 "
    "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德 "
    "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 "
    "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 "
    "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 "
    "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 "
    "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 "
    "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 "
    "揭阳 云浮 "
    "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左 "
    "海口 三亚 三沙 儋州 "
    "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 "
    "贵阳 六盘水 遵义 安顺 毕节 铜仁 "
    "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 "
    "拉萨 日喀则 昌都 林芝 山南 那曲 "
    "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛 "
    "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 "
    "西宁 海东 "
    "银川 石嘴山 吴忠 固原 中卫 "
    "乌鲁木齐 克拉玛依 吐鲁番 哈密"
)

# Names that are also ordinary words or other places; counted only when written with 市.
AMBIGUOUS = frozenset(
    _words(
        "朝阳 吉林 白山 黄山 山南 北海 中山 三明 安康 长治 大同 通化 来宾 白银 中卫 海东 南平 普洱 "
        "大庆 金昌 定西 吉安 日照 东营 永州 玉林 河源 江门 安顺 新乡 开封 广安 资阳 雅安 "
        "德阳 庆阳 南阳 安阳 信阳 衡阳 益阳 邵阳 岳阳 阳江 辽阳 咸阳 宜春 伊春"
    )
)

_PLACES_BY_LENGTH = sorted(set(PROVINCES) | set(CITIES), key=len, reverse=True)
# The same names grouped by their first character (longest first within a group), so that a
# position is compared with the few names that can start there, not with all 370.
_PLACES_BY_FIRST: dict[str, list[str]] = {}
for _name in _PLACES_BY_LENGTH:
    _PLACES_BY_FIRST.setdefault(_name[0], []).append(_name)
del _name
# Words that end in 区/县 but are not the name of a district (各区, 辖区, 示范区 …).
_NOT_DISTRICT = ("各", "全", "本", "我", "辖", "市", "城", "片", "园", "新")


def first_place(text: str) -> tuple[str, str] | None:
    """The first province or city named in a short text (a title, an issuer): (kind, name).

    ``kind`` is "province" or "city". A city that is also an ordinary word counts only with
    市; 吉林 is the province when written 吉林省. Bounded to the first 200 characters.
    """
    text = text[:200]
    for i, ch in enumerate(text):
        for name in _PLACES_BY_FIRST.get(ch, ()):
            if not text.startswith(name, i):
                continue
            after = text[i + len(name) : i + len(name) + 1]
            province = name in PROVINCES and name not in MUNICIPALITIES and after != "市"
            if province and (after == "省" or name not in CITIES):
                return "province", name
            if name in CITIES and (after == "市" or name not in AMBIGUOUS):
                return "city", name
    return None


def province_name(name: str) -> str:
    """The full name of a province-level place: 浙江 → 浙江省, 广西 → 广西壮族自治区."""
    if name in MUNICIPALITIES:
        return name + "市"
    return AUTONOMOUS_REGIONS.get(name, name + "省")


def district_at_head(text: str) -> str | None:
    """A district or county named at the head of a title or issuer (南山区…, 深圳市南山区人民政府).

    The name may follow its province and city; it is two or three characters before 区/县.
    """
    rest = text.strip()
    for _ in range(2):
        place = first_place(rest[:6])
        if place is None:
            break
        name = place[1]
        pos = rest.find(name) + len(name)
        if rest[pos : pos + 1] in ("省", "市"):
            pos += 1
        rest = rest[pos:]
    for size in (2, 3):
        name = rest[: size + 1]
        shaped = len(name) == size + 1 and name[-1] in "区县" and name[0] not in _NOT_DISTRICT
        if shaped and all("\u4e00" <= ch <= "\u9fff" for ch in name):
            return name
    return None
