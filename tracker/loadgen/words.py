"""Vocabulary of the load generator, and the shapes measured on the five seed documents.

The ``SEED_*`` tuples were measured on the seeds as the importer reads them (demo/seeds through
``load_demo``; 137 task clauses in six documents): the length of each task's title and body,
the number of units each names. Sampling from them gives generated documents the seeds' shape.
"""

# --- shapes measured on the seeds --------------------------------------------------------

SEED_TITLE_LENGTHS = (
    (6,) * 9 + (8,) * 14 + (9,) * 3 + (10,) * 22 + (11,) * 12 + (12,) * 36 + (13,) * 12
    + (14,) * 11 + (15,) * 4 + (16,) * 6 + (17, 18, 18, 18, 18, 19, 19, 20)
)  # fmt: skip
SEED_BODY_LENGTHS = (
    51, 66, 67, 67, 67, 73, 76, 76, 80, 81, 82, 84, 85, 87, 94, 95, 96, 96, 98, 99, 99, 100,
    102, 103, 106, 107, 111, 112, 112, 115, 123, 123, 124, 125, 126, 130, 130, 131, 132, 132,
    133, 136, 137, 137, 138, 139, 140, 141, 142, 142, 151, 151, 151, 153, 153, 153, 155, 155,
    158, 158, 160, 161, 162, 162, 163, 163, 168, 168, 171, 171, 173, 175, 177, 178, 179, 179,
    180, 180, 180, 181, 181, 183, 186, 188, 188, 190, 191, 191, 191, 191, 194, 195, 196, 197,
    198, 198, 199, 199, 200, 200, 200, 201, 202, 203, 204, 206, 210, 214, 220, 220, 223, 226,
    227, 230, 232, 240, 241, 242, 243, 246, 249, 249, 252, 253, 253, 258, 262, 267, 268, 268,
    278, 294, 297, 320, 322, 355, 375,
)  # fmt: skip
SEED_UNITS_PER_TASK = (
    (1,) * 8 + (2,) * 36 + (3,) * 15 + (4,) * 22 + (5,) * 18 + (6,) * 20 + (7,) * 9
    + (8,) * 5 + (9,) * 3 + (10, 11)
)  # fmt: skip
SEED_SECTIONS = (5, 6, 6, 6, 7, 7, 7)  # numbered parts per document, 5–7 in the seeds
SEED_TARGET_SHARE = 0.124  # task clauses with at least one target (17 of 137)
SEED_TARGETS_PER_CLAUSE = (1,) * 13 + (2,) * 4  # 4 and 5 occur once each; capped at 2 here

# --- numbers in Chinese --------------------------------------------------------------------

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (what clause labels need)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


# --- places and people -----------------------------------------------------------------------

# Characters of made-up place names; none of 和/及/与/并/以/等/各/的, which the unit parser
# reads as connectives or notes, and none of 省/市/区/县.
PLACE_FIRST = "东西南北中青白金云山海江河湖林松梅兰竹清安平宁永兴昌盛丰泰华新元康乐嘉福长鹤龙凤瑞丹石玉桃柳杨枫"
PLACE_SECOND = "阳州川源江山城口水林泉岭溪峰陵原沙湾浦门桥塘坪冈湖洲田庄宁安丰德"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉鑫宇浩凯佳欣晨阳林峰海波宁志国庆东雪梅琳颖婷慧倩丹蕾晓春燕"

# --- unit names ------------------------------------------------------------------------------

# (short name after "省", kind) of the province's own departments and offices, most named first.
PROVINCE_DEPARTMENTS = (
    ("发展改革委", "city_department"),
    ("财政厅", "city_department"),
    ("科技厅", "city_department"),
    ("工业和信息化厅", "city_department"),
    ("地方金融管理局", "city_department"),
    ("商务厅", "city_department"),
    ("人力资源社会保障厅", "city_department"),
    ("市场监管局", "city_department"),
    ("农业农村厅", "city_department"),
    ("住房城乡建设厅", "city_department"),
    ("交通运输厅", "city_department"),
    ("教育厅", "city_department"),
    ("自然资源厅", "city_department"),
    ("生态环境厅", "city_department"),
    ("卫生健康委", "city_department"),
    ("国资委", "city_department"),
    ("数据局", "city_department"),
    ("民政厅", "city_department"),
    ("司法厅", "city_department"),
    ("公安厅", "city_department"),
    ("水利厅", "city_department"),
    ("文化和旅游厅", "city_department"),
    ("应急管理厅", "city_department"),
    ("审计厅", "city_department"),
    ("统计局", "city_department"),
    ("医保局", "city_department"),
    ("知识产权局", "city_department"),
    ("能源局", "city_department"),
    ("林业局", "city_department"),
    ("退役军人事务厅", "city_department"),
    ("体育局", "city_department"),
    ("广电局", "city_department"),
    ("药监局", "city_department"),
    ("粮食和储备局", "city_department"),
    ("政务服务管理局", "city_department"),
    ("机关事务管理局", "city_department"),
    ("信访局", "city_department"),
    ("人防办", "city_department"),
    ("乡村振兴局", "city_department"),
    ("民族宗教委", "city_department"),
    ("政府外办", "city_department"),
    ("政府办公厅", "city_department"),
    ("委金融办", "party_office"),
    ("委宣传部", "party_office"),
    ("委组织部", "party_office"),
    ("委网信办", "party_office"),
    ("委政法委", "party_office"),
    ("委统战部", "party_office"),
    ("委编办", "party_office"),
    ("委外办", "party_office"),
    ("委农办", "party_office"),
    ("委人才办", "party_office"),
)
# (canonical name with {p} for the province, short name, kind) of other province-level bodies.
PROVINCE_OTHERS = (
    ("中国人民银行{p}分行", "人民银行省分行", "central_branch"),
    ("国家金融监督管理总局{p}监管局", "省金融监管局", "central_branch"),
    ("中国证券监督管理委员会{p}监管局", "省证监局", "central_branch"),
    ("国家外汇管理局{p}分局", "省外汇局", "central_branch"),
    ("国家税务总局{p}税务局", "省税务局", "central_branch"),
    ("国家统计局{p}调查总队", "省调查总队", "central_branch"),
    ("{p}通信管理局", "省通信管理局", "central_branch"),
    ("{p}气象局", "省气象局", "central_branch"),
    ("{p}邮政管理局", "省邮政管理局", "central_branch"),
    ("中华人民共和国{p}海关", "省海关", "central_branch"),
    ("国家开发银行{p}分行", "国开行省分行", "financial_institution"),
    ("中国农业发展银行{p}分行", "农发行省分行", "financial_institution"),
    ("中国进出口银行{p}分行", "进出口银行省分行", "financial_institution"),
    ("中国工商银行{p}分行", "工商银行省分行", "financial_institution"),
    ("中国农业银行{p}分行", "农业银行省分行", "financial_institution"),
    ("中国银行{p}分行", "中国银行省分行", "financial_institution"),
    ("中国建设银行{p}分行", "建设银行省分行", "financial_institution"),
    ("交通银行{p}分行", "交通银行省分行", "financial_institution"),
    ("中国邮政储蓄银行{p}分行", "邮储银行省分行", "financial_institution"),
    ("招商银行{p}分行", "招商银行省分行", "financial_institution"),
    ("兴业银行{p}分行", "兴业银行省分行", "financial_institution"),
    ("中信银行{p}分行", "中信银行省分行", "financial_institution"),
    ("上海浦东发展银行{p}分行", "浦发银行省分行", "financial_institution"),
    ("中国光大银行{p}分行", "光大银行省分行", "financial_institution"),
    ("中国民生银行{p}分行", "民生银行省分行", "financial_institution"),
    ("平安银行{p}分行", "平安银行省分行", "financial_institution"),
    ("{p}农村信用社联合社", "省农信联社", "financial_institution"),
    ("{p}股权交易中心", "省股权交易中心", "financial_institution"),
    ("中国人民财产保险股份有限公司{p}分公司", "人保财险省分公司", "financial_institution"),
    ("中国人寿保险股份有限公司{p}分公司", "中国人寿省分公司", "financial_institution"),
    ("中国出口信用保险公司{p}分公司", "中国信保省分公司", "financial_institution"),
    ("{p}投资集团有限公司", "省投资集团", "state_enterprise"),
    ("{p}交通投资集团有限公司", "省交通投资集团", "state_enterprise"),
    ("{p}能源集团有限公司", "省能源集团", "state_enterprise"),
    ("{p}国有资本运营集团有限公司", "省国有资本运营集团", "state_enterprise"),
    ("{p}金融控股集团有限公司", "省金控集团", "state_enterprise"),
    ("{p}融资担保集团有限公司", "省融资担保集团", "state_enterprise"),
    ("{p}再担保集团有限公司", "省再担保集团", "state_enterprise"),
    ("{p}建设投资集团有限公司", "省建设投资集团", "state_enterprise"),
    ("{p}文化旅游投资集团有限公司", "省文旅集团", "state_enterprise"),
    ("{p}农业发展集团有限公司", "省农业发展集团", "state_enterprise"),
    ("{p}水务集团有限公司", "省水务集团", "state_enterprise"),
    ("{p}高速公路集团有限公司", "省高速集团", "state_enterprise"),
    ("{p}机场集团有限公司", "省机场集团", "state_enterprise"),
    ("{p}港口集团有限公司", "省港口集团", "state_enterprise"),
    ("{p}科技创新投资集团有限公司", "省科创投资集团", "state_enterprise"),
    ("{p}数字产业集团有限公司", "省数字产业集团", "state_enterprise"),
    ("{p}总工会", "省总工会", "other"),
    ("{p}工商业联合会", "省工商联", "other"),
    ("{p}供销合作社联合社", "省供销社", "other"),
)
# Collective names of the province (members: the bodies they stand for).
COLLECTIVE_CITIES = "各市人民政府"
COLLECTIVE_COUNTIES = "各县（市、区）人民政府"
COLLECTIVE_ZONES = "各开发区管委会"
COLLECTIVE_BANKS = "各银行业金融机构"
COLLECTIVE_DEPARTMENTS = "省直各有关单位"

# (suffix after "{city}市", kind) of a city's departments.
CITY_DEPARTMENTS = (
    ("发展改革委", "city_department"),
    ("财政局", "city_department"),
    ("科技局", "city_department"),
    ("工业和信息化局", "city_department"),
    ("地方金融管理局", "city_department"),
    ("商务局", "city_department"),
    ("人力资源社会保障局", "city_department"),
    ("市场监管局", "city_department"),
    ("农业农村局", "city_department"),
    ("住房城乡建设局", "city_department"),
    ("交通运输局", "city_department"),
    ("教育局", "city_department"),
    ("自然资源和规划局", "city_department"),
    ("生态环境局", "city_department"),
    ("卫生健康委", "city_department"),
    ("国资委", "city_department"),
    ("数据局", "city_department"),
    ("民政局", "city_department"),
    ("司法局", "city_department"),
    ("公安局", "city_department"),
    ("水利局", "city_department"),
    ("文化广电旅游局", "city_department"),
    ("应急管理局", "city_department"),
    ("审计局", "city_department"),
    ("统计局", "city_department"),
    ("医保局", "city_department"),
    ("城市管理局", "city_department"),
    ("行政审批服务局", "city_department"),
    ("退役军人事务局", "city_department"),
    ("委金融办", "party_office"),
    ("委宣传部", "party_office"),
    ("委组织部", "party_office"),
)
# (canonical with {c} for the city without 市, short name with {c}, kind) of other city bodies.
CITY_OTHERS = (
    ("中国人民银行{c}市分行", "人民银行{c}市分行", "central_branch"),
    ("国家金融监督管理总局{c}监管分局", "{c}金融监管分局", "central_branch"),
    ("国家税务总局{c}市税务局", "{c}市税务局", "central_branch"),
    ("中国工商银行{c}分行", "工商银行{c}分行", "financial_institution"),
    ("中国农业银行{c}分行", "农业银行{c}分行", "financial_institution"),
    ("中国银行{c}分行", "中国银行{c}分行", "financial_institution"),
    ("中国建设银行{c}分行", "建设银行{c}分行", "financial_institution"),
    ("{c}农村商业银行", "{c}农商银行", "financial_institution"),
    ("{c}市城市建设投资集团有限公司", "{c}城投集团", "state_enterprise"),
    ("{c}市国有资本投资运营集团有限公司", "{c}国投集团", "state_enterprise"),
    ("{c}高新技术产业开发区管理委员会", "{c}高新区管委会", "zone"),
    ("{c}经济技术开发区管理委员会", "{c}经开区管委会", "zone"),
)
# Suffixes after "{county}区" or "{county}县" of a county's departments.
COUNTY_DEPARTMENTS = (
    "发展和改革局",
    "财政局",
    "科技局",
    "工业和信息化局",
    "商务局",
    "人力资源和社会保障局",
    "市场监督管理局",
    "农业农村局",
    "住房和城乡建设局",
    "交通运输局",
    "教育局",
    "自然资源局",
    "卫生健康局",
    "民政局",
    "司法局",
    "水利局",
    "文化和旅游局",
    "应急管理局",
    "统计局",
    "医疗保障局",
)
COUNTIES_PER_CITY = 10

# --- document wording ------------------------------------------------------------------------

# (theme of a title, nouns of its clauses, actors its clauses address)
TOPICS = (
    (
        "科技金融高质量发展",
        "科技信贷 创业投资 科技保险 知识产权质押融资 科创债券 融资担保 天使投资 科技型企业",
    ),
    ("优化营商环境", "政务服务 市场准入 审批流程 涉企收费 信用监管 企业开办 惠企政策 公平竞争"),
    ("数字经济发展", "数据要素 算力设施 工业互联网 数字政府 智能制造 数据安全 平台经济 数字化转型"),
    (
        "民营经济发展壮大",
        "民营企业 中小微企业 融资服务 要素保障 涉企服务 产业链协同 企业家队伍 市场主体",
    ),
    (
        "乡村全面振兴",
        "高标准农田 农业产业化 农村集体经济 乡村建设 农村金融 农产品加工 乡村人才 人居环境",
    ),
    ("绿色低碳转型", "绿色金融 节能降碳 清洁能源 循环经济 碳排放管理 绿色建筑 生态修复 环境治理"),
    (
        "稳外贸稳外资",
        "跨境贸易 外资项目 出口信用保险 跨境人民币 外贸新业态 口岸通关 海外仓 国际物流",
    ),
    (
        "就业创业工作",
        "高校毕业生就业 职业技能培训 创业担保贷款 灵活就业 就业服务 农民工就业 创业孵化 劳动权益",
    ),
    (
        "制造业高质量发展",
        "先进制造业集群 技术改造 专精特新企业 产业基础再造 首台套装备 质量品牌 智能工厂 产业链供应链",
    ),
    (
        "现代服务业发展",
        "生产性服务业 现代物流 商贸流通 会展经济 检验检测 文化旅游 养老托育 家政服务",
    ),
    (
        "普惠金融发展",
        "普惠小微贷款 首贷服务 信用信息共享 农村信用体系 移动支付 政府性融资担保 应急转贷 金融知识普及",
    ),
    (
        "防范化解金融风险",
        "非法集资 地方金融组织 风险监测预警 不良资产处置 金融消费者权益 金融秩序 风险排查 处置机制",
    ),
    (
        "科技创新能力提升",
        "重大科技基础设施 关键核心技术 科技成果转化 新型研发机构 企业创新主体 科技人才 创新平台 技术市场",
    ),
    (
        "城市更新行动",
        "老旧小区改造 城中村改造 地下管网 历史文化保护 公共空间 城市更新项目 基础设施 社区服务",
    ),
    (
        "安全生产治本攻坚",
        "重大事故隐患 安全生产责任 危险化学品 消防安全 道路交通安全 应急救援 安全培训 执法检查",
    ),
    (
        "养老服务体系建设",
        "居家养老 社区养老 养老机构 医养结合 老年助餐 适老化改造 养老人才 长期护理保险",
    ),
    ("教育强省建设", "学前教育 义务教育 职业教育 高等教育 教师队伍 教育数字化 产教融合 校园安全"),
    ("卫生健康事业发展", "分级诊疗 公立医院 基层医疗 公共卫生 中医药 医疗保障 健康服务 医学人才"),
    ("文化旅游深度融合", "文旅项目 旅游消费 文化遗产 公共文化 夜间经济 旅游品牌 文创产品 智慧旅游"),
    (
        "交通强省建设",
        "综合交通枢纽 高速公路 农村公路 城市轨道交通 多式联运 港航设施 交通运输服务 物流降本",
    ),
)
TITLE_VERBS = (
    "加快推进",
    "进一步促进",
    "全面推动",
    "支持",
    "深入推进",
    "持续推动",
    "大力推进",
    "推动",
    "加快",
)
DOCUMENT_KINDS = (
    "实施意见",
    "行动方案",
    "若干措施",
    "实施方案",
    "工作方案",
    "若干政策措施",
    "行动计划",
    "若干意见",
)
VERBS = (
    "加快",
    "推动",
    "深化",
    "完善",
    "健全",
    "强化",
    "支持",
    "鼓励",
    "优化",
    "提升",
    "实施",
    "建立",
    "加大",
    "落实",
    "培育",
    "打造",
    "拓展",
    "创新",
    "规范",
    "扩大",
    "发挥",
)
TITLE_TAILS = (
    "",
    "机制",
    "体系",
    "服务",
    "能力",
    "力度",
    "水平",
    "模式",
    "工作",
    "支持",
    "保障",
    "建设",
    "试点",
    "专项行动",
    "服务体系",
    "体制机制",
    "政策支持",
    "协同发展",
    "服务能力建设",
)
SECTION_TAILS = (
    "服务体系",
    "支撑体系",
    "发展环境",
    "保障机制",
    "工作格局",
    "生态体系",
    "政策体系",
    "发展水平",
)
CLOSING_SECTIONS = ("加强组织保障", "强化政策保障", "强化组织实施", "健全工作机制", "加强统筹协调")
ACTORS = (
    "银行机构",
    "保险机构",
    "各地",
    "相关部门",
    "市场主体",
    "重点企业",
    "行业协会",
    "金融机构",
    "各级政府",
)
GOALS = (
    "长效机制",
    "良好氛围",
    "工作合力",
    "政策合力",
    "示范效应",
    "发展格局",
    "服务网络",
    "闭环管理",
)
ADJECTIVES = ("可复制可推广", "多层次", "全链条", "全方位", "规范高效", "特色鲜明", "协同联动")
# Sentence patterns of clause bodies; {n}, {m}, {k} are the topic's nouns.
BODY_SENTENCES = (
    "{v}{n}，{w}{m}{t}。",
    "鼓励{a}{v}{n}，{w}{m}。",
    "支持符合条件的{a}参与{n}，{w}{m}{t}。",
    "建立健全{n}{t}，{v}{m}，形成{g}。",
    "推动{n}与{m}深度融合，形成{j}的{k}{t}。",
    "依法依规开展{n}工作，切实防范{m}相关风险。",
    "加大对{n}的支持力度，{v}{m}{t}。",
    "探索开展{n}试点，及时总结推广{j}的经验做法。",
    "定期开展{n}监测评估，确保各项措施落到实处。",
    "用好用足各类政策工具，{v}{n}{t}，{w}{m}。",
    "统筹{n}和{m}，{v}{k}，着力构建{g}。",
    "完善{n}考核评价办法，将{m}纳入年度重点工作。",
    "强化部门协同和信息共享，{v}{n}，提高{m}效率。",
    "引导{a}聚焦{n}，{v}{m}，营造{g}。",
)
# (metric with {n}, comparator word, comparator, values, measure) of targets in clause bodies.
TARGETS = (
    ("{n}服务覆盖率", "达到", "gte", (60, 70, 80, 90, 95), "%"),
    ("新增{n}项目", "不少于", "gte", (50, 100, 200, 500), "个"),
    ("{n}相关贷款余额", "突破", "gte", (500, 1000, 2000, 3000), "亿元"),
    ("培育{n}示范企业", "不少于", "gte", (20, 50, 100), "家"),
    ("{n}年均增速", "不低于", "gte", (8, 10, 12, 15), "%"),
    ("推出{n}专属产品", "不少于", "gte", (10, 20, 30), "款"),
    ("{n}综合费率", "降至", "lte", (1, 1.5, 2), "%"),
    ("单笔{n}支持金额", "最高不超过", "lte", (200, 500, 1000), "万元"),
    ("{n}办理时限", "控制在", "lte", (3, 6), "个月"),
    ("{n}不良率", "控制在", "lte", (2, 3), "%"),
    ("{n}引导基金", "总规模", "eq", (50, 100, 200), "亿元"),
)
ADDRESSEES_PROVINCE = "各市人民政府，省政府各部门、各直属机构："
ADDRESSEES_CITY = "各县（区）人民政府，市政府各部门、各直属机构："

# --- progress reports ------------------------------------------------------------------------

REPORT_OPENINGS = (
    "本期，我单位围绕“{title}”任务，",
    "按照任务分解要求，我单位扎实推进“{title}”，",
    "{title}工作方面，",
    "本报告期内，针对“{title}”，",
)
REPORT_ACTIONS = (
    "召开专题推进会{x}次，研究部署重点工作",
    "制定印发工作方案，明确责任分工和时间节点",
    "走访调研企业{x}家，收集问题诉求{y}条",
    "会同相关部门开展联合督导{x}次",
    "组织业务培训{x}场，覆盖{y}人次",
    "建立工作台账，实行清单化管理",
    "完成阶段性目标任务的{p}%",
    "推动{x}个重点项目落地实施",
    "梳理形成政策清单{x}项并对外发布",
    "对接金融机构{x}家，促成融资{y}亿元",
    "开展专项检查{x}次，发现并整改问题{y}个",
    "完善配套制度{x}项，进一步压实工作责任",
    "在{x}个地区开展试点，总结形成典型经验",
    "通过政务平台公开办理进度，接受社会监督",
    "编制年度工作要点，分解形成具体任务{x}项",
    "举办政策宣讲会{x}场，参与企业{y}家",
    "建立月调度、季通报工作机制",
    "牵头召开部门联席会议{x}次，协调解决难点问题{y}个",
    "完成专题调研报告{x}篇，提出对策建议{y}条",
    "推动出台配套实施细则{x}项",
    "组织第三方机构开展评估，形成评估报告",
    "指导基层单位完善工作台账，开展抽查{x}次",
    "新增服务对象{y}个，累计服务{x}万人次",
    "完成年度计划投资的{p}%",
    "协调解决企业融资、用地等问题{x}个",
    "选树典型案例{x}个并在全省推广",
    "建成线上服务专区，累计受理事项{y}件",
    "开展业务骨干培训{x}期，培训{y}人次",
    "与相关单位签订合作协议{x}份",
    "梳理风险隐患{y}项，已整改{x}项",
)
REPORT_CLOSINGS = (
    "总体进展符合序时要求。",
    "各项工作按计划有序推进。",
    "任务推进总体平稳。",
    "部分指标已提前完成。",
    "下一阶段将持续跟踪推进。",
)
PROBLEMS = (
    "部分基层单位推进进度不一，工作合力有待加强",
    "项目前期手续办理周期较长，影响实施进度",
    "资金到位较慢，配套政策仍需细化",
    "数据共享机制尚不健全，统计口径有待统一",
    "专业人员力量不足，工作保障有待加强",
    "部分企业参与积极性不高，政策知晓度仍需提升",
    "跨部门协调事项较多，推进效率有待提高",
)
NEXT_STEPS = (
    "加强统筹调度，定期通报工作进展",
    "加快推进重点项目建设，确保按期完成",
    "细化配套措施，加大政策宣传解读力度",
    "强化部门协同，及时研究解决存在问题",
    "完善考核评价，压实各方工作责任",
    "总结推广典型经验，扩大政策覆盖面",
)
ACCEPT_COMMENTS = ("同意。", "进展情况属实，予以通过。", "符合序时进度要求。", "")
RETURN_COMMENTS = (
    "请补充量化进展数据。",
    "进展情况表述过于笼统，请具体说明完成情况。",
    "请补充相关佐证材料。",
)
