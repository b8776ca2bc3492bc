"""演示公司的内容数据:杭州云舟科技有限公司。

本模块只包含纯 Python 数据,不依赖 Django。演示数据生成器读取这些数据,
按确定性规则生成一家约 60 人的公司,也可以通过重复组合生成上万人的规模。

业务设定:云舟科技面向连锁零售门店,提供“舟店通”门店数字化经营 SaaS
(收银、会员营销、库存、经营分析)和配套智能终端(Y 系列智能收银一体机、
电子价签)。2025 年营业收入约 3200 万元,2026 年冲刺 5000 万元。
"""

from __future__ import annotations

from typing import Literal, TypedDict

# ---------------------------------------------------------------------------
# 类型
# ---------------------------------------------------------------------------

KRKind = Literal["increase", "decrease", "band", "milestones", "boolean"]
Commitment = Literal["committed", "aspirational"]


class _KeyResultBase(TypedDict):
    title: str
    kind: KRKind
    start: float
    target: float
    unit: str


class KeyResult(_KeyResultBase, total=False):
    low: float  # 仅 kind == "band"
    high: float  # 仅 kind == "band"
    milestones: list[str]  # 仅 kind == "milestones"


class _ObjectiveBase(TypedDict):
    title: str
    description: str
    krs: list[KeyResult]
    commitment: Commitment


class Objective(_ObjectiveBase, total=False):
    parent: int  # 公司季度 -> 公司年度;部门 -> 公司季度
    parent_dept_okr: int  # 个人 -> 本部门 DEPARTMENT_OKRS 的下标


class Company(TypedDict):
    name: str
    vision: str
    mission: str
    strategic_goals: list[str]


class Department(TypedDict):
    key: str
    name: str
    parent: str | None
    teams: list[str]
    head_title: str
    member_titles: list[str]


class Executive(TypedDict):
    title: str
    department: str | None


# ---------------------------------------------------------------------------
# 公司、组织与高管
# ---------------------------------------------------------------------------

COMPANY: Company = {
    "name": "杭州云舟科技有限公司",
    "vision": "让每一家实体门店都能用数据做生意,成为中国连锁零售企业最信赖的数字化经营伙伴。",
    "mission": "用好用的云端软件和可靠的智能终端,帮助连锁门店降本增效,把生意做得更简单、更长久。",
    "strategic_goals": [
        "全年营收突破5000万元,实现规模化增长",
        "软硬一体,打造客户离不开的产品与服务",
        "提升组织效能,实现经营盈亏平衡",
    ],
}

DEPARTMENTS: list[Department] = [
    {
        "key": "rd",
        "name": "产品研发部",
        "parent": None,
        "head_title": "产品研发部总监",
        "teams": ["产品规划组", "用户体验设计组", "项目管理组"],
        "member_titles": ["高级产品经理", "产品经理", "UI设计师", "交互设计师", "项目经理"],
    },
    {
        "key": "platform",
        "name": "平台研发部",
        "parent": "rd",
        "head_title": "平台研发部经理",
        "teams": ["后端开发组", "前端与移动端组", "测试与运维组"],
        "member_titles": [
            "高级Java开发工程师",
            "Java开发工程师",
            "前端开发工程师",
            "Android开发工程师",
            "测试工程师",
            "运维开发工程师",
        ],
    },
    {
        "key": "hardware",
        "name": "智能硬件部",
        "parent": "rd",
        "head_title": "智能硬件部经理",
        "teams": ["嵌入式软件组", "硬件与结构组", "生产品质组"],
        "member_titles": ["嵌入式软件工程师", "硬件工程师", "结构工程师", "品质工程师", "供应链专员"],
    },
    {
        "key": "sales",
        "name": "销售部",
        "parent": None,
        "head_title": "销售总监",
        "teams": ["华东大区", "华南大区", "大客户组"],
        "member_titles": ["大客户经理", "区域销售经理", "销售代表", "售前解决方案顾问", "销售运营专员"],
    },
    {
        "key": "marketing",
        "name": "市场部",
        "parent": None,
        "head_title": "市场总监",
        "teams": ["品牌公关组", "增长投放组", "内容与活动组"],
        "member_titles": ["品牌经理", "数字营销专员", "内容运营", "活动策划", "市场分析专员"],
    },
    {
        "key": "cs",
        "name": "客户成功部",
        "parent": None,
        "head_title": "客户成功部总监",
        "teams": ["实施交付组", "客户成功组", "技术支持组"],
        "member_titles": ["客户成功经理", "实施顾问", "技术支持工程师", "客服专员", "培训讲师"],
    },
    {
        "key": "hr",
        "name": "人力资源部",
        "parent": None,
        "head_title": "人力资源经理",
        "teams": ["招聘组", "组织发展与薪酬组"],
        "member_titles": ["招聘专员", "HRBP", "薪酬绩效专员", "行政专员"],
    },
    {
        "key": "finance",
        "name": "财务部",
        "parent": None,
        "head_title": "财务经理",
        "teams": ["核算组", "资金与税务组"],
        "member_titles": ["总账会计", "应收会计", "出纳", "税务专员", "财务分析师"],
    },
]

EXECUTIVES: list[Executive] = [
    {"title": "首席执行官", "department": None},
    {"title": "首席技术官", "department": "rd"},
    {"title": "首席运营官", "department": "sales"},
    {"title": "首席财务官", "department": "finance"},
]

# ---------------------------------------------------------------------------
# 姓名与拼音
# ---------------------------------------------------------------------------

SURNAMES: list[str] = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "高",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
    "彭",
    "曾",
    "肖",
    "田",
    "董",
    "潘",
    "袁",
    "蔡",
    "蒋",
    "余",
    "于",
    "杜",
    "叶",
    "程",
    "魏",
    "苏",
    "吕",
    "丁",
    "任",
    "卢",
    "姚",
    "沈",
    "钟",
    "姜",
    "崔",
    "谭",
    "陆",
    "范",
    "汪",
    "廖",
    "石",
    "金",
    "韦",
    "贾",
    "夏",
    "付",
    "方",
    "邹",
    "熊",
    "白",
    "孟",
    "秦",
    "邱",
    "侯",
    "江",
    "尹",
    "薛",
    "闫",
    "段",
    "雷",
    "龙",
    "黎",
    "史",
    "陶",
    "贺",
    "毛",
    "郝",
    "顾",
    "龚",
    "邵",
    "钱",
    "严",
    "戴",
    "俞",
    "应",
    "楼",
    "章",
    "欧阳",
    "司马",
    "上官",
]

GIVEN_NAMES: list[str] = [
    # 单字名
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "强",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "超",
    "霞",
    "刚",
    "琳",
    "鹏",
    "斌",
    "辉",
    "颖",
    "倩",
    "晨",
    "昊",
    "婷",
    "凯",
    "峰",
    "丹",
    "蕾",
    "璐",
    "悦",
    "航",
    "萌",
    "瑶",
    "帆",
    "雯",
    "哲",
    "毅",
    "薇",
    "彬",
    # 双字名
    "子涵",
    "浩然",
    "思远",
    "雨桐",
    "欣怡",
    "梓萱",
    "一鸣",
    "嘉怡",
    "佳琪",
    "宇航",
    "俊杰",
    "晓东",
    "晓燕",
    "文博",
    "志强",
    "建华",
    "海波",
    "丽娟",
    "婷婷",
    "博文",
    "嘉豪",
    "子轩",
    "雅琴",
    "雪梅",
    "春燕",
    "晓峰",
    "天宇",
    "思琪",
    "梦瑶",
    "诗涵",
    "佳慧",
    "明轩",
    "振宇",
    "晓明",
    "海燕",
    "秀英",
    "建军",
    "志伟",
    "国强",
    "丽华",
    "晓丽",
    "宏伟",
    "永刚",
    "俊豪",
    "欣然",
    "静怡",
    "梓涵",
    "雨欣",
    "可欣",
    "若曦",
    "一凡",
    "亦凡",
    "泽宇",
    "睿哲",
    "子墨",
    "明哲",
    "昕怡",
    "语嫣",
    "晨曦",
    "佳宁",
    "文静",
    "慧敏",
    "志明",
    "建平",
    "海峰",
    "立新",
    "红梅",
    "桂芳",
    "玉兰",
    "丽萍",
    "少华",
    "家豪",
    "奕辰",
    "锦程",
    "思彤",
    "书瑶",
    "雅婷",
    "紫萱",
    "浩宇",
    "晓宇",
    "天翔",
    "永强",
    "国栋",
    "卫东",
    "海涛",
    "云飞",
    "鹏飞",
    "文杰",
    "嘉伟",
    "思源",
    "晓雯",
    "婉清",
    "心怡",
    "舒婷",
    "梦琪",
    "佳颖",
    "韵涵",
    "筱雨",
    "安琪",
    "梓晴",
    "宇轩",
    "皓轩",
    "俊熙",
    "子豪",
    "承泽",
    "景明",
    "逸飞",
    "嘉诚",
    "晟睿",
    "卓然",
    "晓梅",
    "秋菊",
    "玉洁",
    "素芬",
    "燕妮",
    "冬梅",
    "春华",
    "雪莹",
    "凌云",
    "碧莹",
    "志远",
    "立军",
    "建明",
    "振华",
    "晓光",
    "宏亮",
    "新民",
    "德胜",
    "瑞琪",
    "润东",
]

PINYIN: dict[str, str] = {
    # 姓
    "王": "wang",
    "李": "li",
    "张": "zhang",
    "刘": "liu",
    "陈": "chen",
    "杨": "yang",
    "黄": "huang",
    "赵": "zhao",
    "吴": "wu",
    "周": "zhou",
    "徐": "xu",
    "孙": "sun",
    "马": "ma",
    "朱": "zhu",
    "胡": "hu",
    "郭": "guo",
    "何": "he",
    "林": "lin",
    "高": "gao",
    "罗": "luo",
    "郑": "zheng",
    "梁": "liang",
    "谢": "xie",
    "宋": "song",
    "唐": "tang",
    "许": "xu",
    "韩": "han",
    "冯": "feng",
    "邓": "deng",
    "曹": "cao",
    "彭": "peng",
    "曾": "zeng",
    "肖": "xiao",
    "田": "tian",
    "董": "dong",
    "潘": "pan",
    "袁": "yuan",
    "蔡": "cai",
    "蒋": "jiang",
    "余": "yu",
    "于": "yu",
    "杜": "du",
    "叶": "ye",
    "程": "cheng",
    "魏": "wei",
    "苏": "su",
    "吕": "lv",
    "丁": "ding",
    "任": "ren",
    "卢": "lu",
    "姚": "yao",
    "沈": "shen",
    "钟": "zhong",
    "姜": "jiang",
    "崔": "cui",
    "谭": "tan",
    "陆": "lu",
    "范": "fan",
    "汪": "wang",
    "廖": "liao",
    "石": "shi",
    "金": "jin",
    "韦": "wei",
    "贾": "jia",
    "夏": "xia",
    "付": "fu",
    "方": "fang",
    "邹": "zou",
    "熊": "xiong",
    "白": "bai",
    "孟": "meng",
    "秦": "qin",
    "邱": "qiu",
    "侯": "hou",
    "江": "jiang",
    "尹": "yin",
    "薛": "xue",
    "闫": "yan",
    "段": "duan",
    "雷": "lei",
    "龙": "long",
    "黎": "li",
    "史": "shi",
    "陶": "tao",
    "贺": "he",
    "毛": "mao",
    "郝": "hao",
    "顾": "gu",
    "龚": "gong",
    "邵": "shao",
    "钱": "qian",
    "严": "yan",
    "戴": "dai",
    "俞": "yu",
    "应": "ying",
    "楼": "lou",
    "章": "zhang",
    "欧": "ou",
    "阳": "yang",
    "司": "si",
    "上": "shang",
    "官": "guan",
    # 名(仅列出姓中未出现的字)
    "伟": "wei",
    "芳": "fang",
    "娜": "na",
    "敏": "min",
    "静": "jing",
    "磊": "lei",
    "强": "qiang",
    "军": "jun",
    "洋": "yang",
    "勇": "yong",
    "艳": "yan",
    "杰": "jie",
    "涛": "tao",
    "超": "chao",
    "霞": "xia",
    "刚": "gang",
    "琳": "lin",
    "鹏": "peng",
    "斌": "bin",
    "辉": "hui",
    "颖": "ying",
    "倩": "qian",
    "晨": "chen",
    "昊": "hao",
    "婷": "ting",
    "凯": "kai",
    "峰": "feng",
    "丹": "dan",
    "蕾": "lei",
    "璐": "lu",
    "悦": "yue",
    "航": "hang",
    "萌": "meng",
    "瑶": "yao",
    "帆": "fan",
    "雯": "wen",
    "哲": "zhe",
    "毅": "yi",
    "薇": "wei",
    "彬": "bin",
    "子": "zi",
    "涵": "han",
    "浩": "hao",
    "然": "ran",
    "思": "si",
    "远": "yuan",
    "雨": "yu",
    "桐": "tong",
    "欣": "xin",
    "怡": "yi",
    "梓": "zi",
    "萱": "xuan",
    "一": "yi",
    "鸣": "ming",
    "嘉": "jia",
    "佳": "jia",
    "琪": "qi",
    "宇": "yu",
    "俊": "jun",
    "晓": "xiao",
    "东": "dong",
    "燕": "yan",
    "文": "wen",
    "博": "bo",
    "志": "zhi",
    "建": "jian",
    "华": "hua",
    "海": "hai",
    "波": "bo",
    "丽": "li",
    "娟": "juan",
    "豪": "hao",
    "轩": "xuan",
    "雅": "ya",
    "琴": "qin",
    "雪": "xue",
    "梅": "mei",
    "春": "chun",
    "天": "tian",
    "梦": "meng",
    "诗": "shi",
    "慧": "hui",
    "明": "ming",
    "振": "zhen",
    "秀": "xiu",
    "英": "ying",
    "国": "guo",
    "宏": "hong",
    "永": "yong",
    "可": "ke",
    "若": "ruo",
    "曦": "xi",
    "凡": "fan",
    "亦": "yi",
    "泽": "ze",
    "睿": "rui",
    "墨": "mo",
    "昕": "xin",
    "语": "yu",
    "嫣": "yan",
    "宁": "ning",
    "平": "ping",
    "立": "li",
    "新": "xin",
    "红": "hong",
    "桂": "gui",
    "玉": "yu",
    "兰": "lan",
    "萍": "ping",
    "少": "shao",
    "家": "jia",
    "奕": "yi",
    "辰": "chen",
    "锦": "jin",
    "彤": "tong",
    "书": "shu",
    "紫": "zi",
    "翔": "xiang",
    "栋": "dong",
    "卫": "wei",
    "云": "yun",
    "飞": "fei",
    "源": "yuan",
    "婉": "wan",
    "清": "qing",
    "心": "xin",
    "舒": "shu",
    "韵": "yun",
    "筱": "xiao",
    "安": "an",
    "晴": "qing",
    "皓": "hao",
    "熙": "xi",
    "承": "cheng",
    "景": "jing",
    "逸": "yi",
    "诚": "cheng",
    "晟": "sheng",
    "卓": "zhuo",
    "秋": "qiu",
    "菊": "ju",
    "洁": "jie",
    "素": "su",
    "芬": "fen",
    "妮": "ni",
    "冬": "dong",
    "莹": "ying",
    "凌": "ling",
    "碧": "bi",
    "光": "guang",
    "亮": "liang",
    "民": "min",
    "德": "de",
    "胜": "sheng",
    "瑞": "rui",
    "润": "run",
}

# ---------------------------------------------------------------------------
# 公司 OKR
# ---------------------------------------------------------------------------

COMPANY_ANNUAL_OKRS: list[Objective] = [
    {
        "title": "实现规模化增长,站稳华东连锁零售市场",
        "commitment": "committed",
        "description": "只有跨过5000万元营收门槛,我们才有足够的规模摊薄研发投入,在行业洗牌中留在牌桌上。",
        "krs": [
            {
                "title": "全年营业收入从3200万元提升至5000万元",
                "kind": "increase",
                "start": 3200,
                "target": 5000,
                "unit": "万元",
            },
            {
                "title": "付费连锁品牌客户从420家增加到650家",
                "kind": "increase",
                "start": 420,
                "target": 650,
                "unit": "家",
            },
            {
                "title": "客户净收入留存率(NRR)从98%提升至110%",
                "kind": "increase",
                "start": 98,
                "target": 110,
                "unit": "%",
            },
        ],
    },
    {
        "title": "打造客户离不开的软硬一体产品",
        "commitment": "aspirational",
        "description": "同质化的收银软件越来越多,软硬一体和稳定可靠的体验才是客户续费、转介绍的根本理由。",
        "krs": [
            {
                "title": "Y3智能收银一体机年内完成量产并交付首批客户",
                "kind": "milestones",
                "start": 0,
                "target": 1,
                "unit": "",
                "milestones": [
                    "完成EVT工程验证",
                    "完成DVT设计验证并取得3C认证",
                    "PVT小批量试产500台",
                    "正式量产并交付首批客户",
                ],
            },
            {
                "title": "核心SaaS服务全年可用性保持在99.9%至99.99%之间",
                "kind": "band",
                "start": 99.9,
                "target": 99.95,
                "unit": "%",
                "low": 99.9,
                "high": 99.99,
            },
            {"title": "客户净推荐值(NPS)从32分提升至45分", "kind": "increase", "start": 32, "target": 45, "unit": "分"},
        ],
    },
    {
        "title": "提升组织效能,实现全年经营盈亏平衡",
        "commitment": "committed",
        "description": "靠融资输血走不远,人均效率和毛利率决定了公司能否自我造血、持续投入产品。",
        "krs": [
            {"title": "人均营收从58万元提升至75万元", "kind": "increase", "start": 58, "target": 75, "unit": "万元"},
            {
                "title": "综合毛利率全年保持在60%至66%之间",
                "kind": "band",
                "start": 61,
                "target": 63,
                "unit": "%",
                "low": 60,
                "high": 66,
            },
            {"title": "2026年度实现经营性盈亏平衡", "kind": "boolean", "start": 0, "target": 1, "unit": ""},
        ],
    },
]

COMPANY_QUARTERLY_OKRS: list[Objective] = [
    {
        "title": "冲刺四季度,确保全年收入目标达成",
        "commitment": "committed",
        "parent": 0,
        "description": "四季度是连锁客户做年度预算和集中采购的窗口,全年收入目标能否完成就看这一季。",
        "krs": [
            {"title": "四季度新签合同额达到1500万元", "kind": "increase", "start": 0, "target": 1500, "unit": "万元"},
            {"title": "四季度回款达到1400万元", "kind": "increase", "start": 0, "target": 1400, "unit": "万元"},
            {"title": "到期客户续费率从86%提升至92%", "kind": "increase", "start": 86, "target": 92, "unit": "%"},
        ],
    },
    {
        "title": "让Y3收银机和会员营销2.0赢得首批客户口碑",
        "commitment": "aspirational",
        "parent": 1,
        "description": "新品上市的第一批客户决定了明年的口碑和转介绍,必须让他们用得顺、愿意推荐。",
        "krs": [
            {
                "title": "Y3智能收银一体机在12月20日前完成首批3000台交付",
                "kind": "milestones",
                "start": 0,
                "target": 1,
                "unit": "",
                "milestones": [
                    "10月15日前通过3C认证",
                    "11月10日前完成PVT试产与可靠性测试",
                    "11月30日前正式量产",
                    "12月20日前完成首批3000台交付",
                ],
            },
            {"title": "会员营销2.0付费客户达到80家", "kind": "increase", "start": 0, "target": 80, "unit": "家"},
            {"title": "客户净推荐值(NPS)从38分提升至45分", "kind": "increase", "start": 38, "target": 45, "unit": "分"},
        ],
    },
    {
        "title": "降本提效,守住利润线",
        "commitment": "committed",
        "parent": 2,
        "description": "收入冲刺不能以牺牲利润为代价,四季度要把每一分钱花在刀刃上,确保全年盈亏平衡。",
        "krs": [
            {
                "title": "四季度综合毛利率保持在60%至66%之间",
                "kind": "band",
                "start": 61,
                "target": 63,
                "unit": "%",
                "low": 60,
                "high": 66,
            },
            {
                "title": "四季度经营费用从1380万元压降至1250万元以内",
                "kind": "decrease",
                "start": 1380,
                "target": 1250,
                "unit": "万元",
            },
            {
                "title": "新客户平均实施交付周期从21天缩短到12天",
                "kind": "decrease",
                "start": 21,
                "target": 12,
                "unit": "天",
            },
        ],
    },
]

# ---------------------------------------------------------------------------
# 部门季度 OKR(2026 年第四季度),"parent" 为 COMPANY_QUARTERLY_OKRS 的下标
# ---------------------------------------------------------------------------

DEPARTMENT_OKRS: dict[str, list[Objective]] = {
    "sales": [
        {
            "title": "全力冲刺四季度签约,拿下全年收入目标",
            "commitment": "committed",
            "parent": 0,
            "description": "销售部承接公司四季度新签和回款目标,是全年收入能否达成的第一责任部门。",
            "krs": [
                {
                    "title": "四季度新签合同额达到1500万元",
                    "kind": "increase",
                    "start": 0,
                    "target": 1500,
                    "unit": "万元",
                },
                {"title": "四季度回款达到1400万元", "kind": "increase", "start": 0, "target": 1400, "unit": "万元"},
                {"title": "新签连锁品牌客户达到45家", "kind": "increase", "start": 0, "target": 45, "unit": "家"},
            ],
        },
        {
            "title": "提升商机转化效率,打好年底攻坚战",
            "commitment": "committed",
            "parent": 0,
            "description": "线索有限、时间紧,只有提高赢单率、缩短成交周期,才能在年底前把商机变成合同。",
            "krs": [
                {"title": "商机赢单率从18%提升至25%", "kind": "increase", "start": 18, "target": 25, "unit": "%"},
                {"title": "平均销售周期从62天缩短到45天", "kind": "decrease", "start": 62, "target": 45, "unit": "天"},
            ],
        },
        {
            "title": "带动Y3收银机与会员营销2.0首批上量",
            "commitment": "aspirational",
            "parent": 1,
            "description": "新品首批销量直接影响明年的产能规划和市场信心,销售要把新品带进每一次客户拜访。",
            "krs": [
                {"title": "会员营销2.0签约客户达到80家", "kind": "increase", "start": 0, "target": 80, "unit": "家"},
                {
                    "title": "Y3智能收银一体机订单达到3000台",
                    "kind": "increase",
                    "start": 0,
                    "target": 3000,
                    "unit": "台",
                },
            ],
        },
    ],
    "marketing": [
        {
            "title": "为销售输送充足、高质量的线索",
            "commitment": "committed",
            "parent": 0,
            "description": "四季度签约目标需要足够的商机储备,市场部要在预算不增加的前提下多给、给好线索。",
            "krs": [
                {"title": "市场合格线索(MQL)达到1800条", "kind": "increase", "start": 0, "target": 1800, "unit": "条"},
                {"title": "线索转商机比例从12%提升至18%", "kind": "increase", "start": 12, "target": 18, "unit": "%"},
                {
                    "title": "单条有效线索成本从420元降至320元",
                    "kind": "decrease",
                    "start": 420,
                    "target": 320,
                    "unit": "元",
                },
            ],
        },
        {
            "title": "打响云舟在连锁零售行业的品牌声量",
            "commitment": "aspirational",
            "parent": 1,
            "description": "借Y3新品上市的契机,让更多连锁品牌老板知道云舟、信任云舟。",
            "krs": [
                {
                    "title": "成功举办Y3新品发布会暨连锁零售数字化峰会",
                    "kind": "milestones",
                    "start": 0,
                    "target": 1,
                    "unit": "",
                    "milestones": [
                        "10月20日前确定议程与嘉宾名单",
                        "11月5日前完成报名与媒体邀约",
                        "11月18日在杭州举办峰会,到场300人以上",
                        "11月30日前完成会后线索跟进与复盘",
                    ],
                },
                {"title": "全网品牌曝光量达到500万次", "kind": "increase", "start": 0, "target": 500, "unit": "万次"},
                {
                    "title": "公众号与视频号新增关注达到12000人",
                    "kind": "increase",
                    "start": 0,
                    "target": 12000,
                    "unit": "人",
                },
            ],
        },
        {
            "title": "打造一批看得见效果的标杆客户案例",
            "commitment": "committed",
            "parent": 0,
            "description": "连锁客户最信同行的真实案例,好案例能显著缩短销售周期、提高赢单率。",
            "krs": [
                {
                    "title": "产出带量化效果的标杆客户案例12个",
                    "kind": "increase",
                    "start": 0,
                    "target": 12,
                    "unit": "个",
                },
                {
                    "title": "案例被销售引用促成的商机达到60个",
                    "kind": "increase",
                    "start": 0,
                    "target": 60,
                    "unit": "个",
                },
            ],
        },
    ],
    "rd": [
        {
            "title": "按期、高质量交付四季度产品路线图",
            "commitment": "committed",
            "parent": 1,
            "description": "会员营销2.0和Y3配套软件是四季度新品上市的前提,产品交付不能拖销售的后腿。",
            "krs": [
                {
                    "title": "路线图需求按期交付率从72%提升至90%",
                    "kind": "increase",
                    "start": 72,
                    "target": 90,
                    "unit": "%",
                },
                {
                    "title": "会员营销2.0在11月底前全量上线",
                    "kind": "milestones",
                    "start": 0,
                    "target": 1,
                    "unit": "",
                    "milestones": [
                        "10月10日前完成需求评审与交互定稿",
                        "10月31日前完成开发并提测",
                        "11月15日前完成20家客户灰度试用",
                        "11月30日前全量上线",
                    ],
                },
            ],
        },
        {
            "title": "让产品更好上手,降低客户使用门槛",
            "commitment": "aspirational",
            "parent": 1,
            "description": "客户用不起来就不会续费,降低上手难度是提升续费率和NPS最直接的办法。",
            "krs": [
                {
                    "title": "新客户首月活跃门店占比从65%提升至80%",
                    "kind": "increase",
                    "start": 65,
                    "target": 80,
                    "unit": "%",
                },
                {
                    "title": "产品使用类工单从每月1200张降至800张",
                    "kind": "decrease",
                    "start": 1200,
                    "target": 800,
                    "unit": "张",
                },
            ],
        },
    ],
    "platform": [
        {
            "title": "保障平台稳定,扛住双十一和年末促销高峰",
            "commitment": "committed",
            "parent": 1,
            "description": "大促期间门店收银一分钟都不能停,平台稳定是客户对我们最基本的信任。",
            "krs": [
                {
                    "title": "核心收银服务可用性保持在99.9%至99.99%之间",
                    "kind": "band",
                    "start": 99.92,
                    "target": 99.95,
                    "unit": "%",
                    "low": 99.9,
                    "high": 99.99,
                },
                {
                    "title": "P1级线上故障从上季度4次降至不超过1次",
                    "kind": "decrease",
                    "start": 4,
                    "target": 1,
                    "unit": "次",
                },
                {
                    "title": "收银下单接口P99响应时间从800毫秒降至300毫秒",
                    "kind": "decrease",
                    "start": 800,
                    "target": 300,
                    "unit": "毫秒",
                },
            ],
        },
        {
            "title": "提升研发效能,让交付又快又稳",
            "commitment": "aspirational",
            "parent": 2,
            "description": "四季度需求集中,只有流程顺、质量高,才能在不加人的情况下按期交付。",
            "krs": [
                {
                    "title": "核心服务单元测试覆盖率从45%提升至65%",
                    "kind": "increase",
                    "start": 45,
                    "target": 65,
                    "unit": "%",
                },
                {"title": "线上缺陷逃逸率从8%降至4%", "kind": "decrease", "start": 8, "target": 4, "unit": "%"},
            ],
        },
        {
            "title": "精打细算,降低云资源成本",
            "commitment": "committed",
            "parent": 2,
            "description": "云资源是SaaS毛利的最大成本项,每降一万元都直接转化为利润。",
            "krs": [
                {
                    "title": "月度云资源费用从68万元降至52万元",
                    "kind": "decrease",
                    "start": 68,
                    "target": 52,
                    "unit": "万元",
                },
                {
                    "title": "核心集群CPU平均利用率从28%提升至45%",
                    "kind": "increase",
                    "start": 28,
                    "target": 45,
                    "unit": "%",
                },
            ],
        },
    ],
    "hardware": [
        {
            "title": "Y3智能收银一体机按期量产、稳定交付",
            "commitment": "committed",
            "parent": 1,
            "description": "Y3是今年最重要的新品,量产节点一旦延误,首批客户订单和年底收入都会受影响。",
            "krs": [
                {
                    "title": "Y3在11月30日前完成量产导入",
                    "kind": "milestones",
                    "start": 0,
                    "target": 1,
                    "unit": "",
                    "milestones": [
                        "10月15日前取得3C认证",
                        "10月31日前完成PVT试产500台",
                        "11月10日前通过高低温与跌落可靠性测试",
                        "11月30日前产线正式量产",
                    ],
                },
                {"title": "Y3量产直通率从92%提升至97%", "kind": "increase", "start": 92, "target": 97, "unit": "%"},
            ],
        },
        {
            "title": "降低硬件成本和返修率,提升硬件毛利",
            "commitment": "aspirational",
            "parent": 2,
            "description": "硬件利润薄,BOM成本和售后返修直接决定硬件业务是赚钱还是赔钱。",
            "krs": [
                {
                    "title": "Y3单台BOM成本从1480元降至1320元",
                    "kind": "decrease",
                    "start": 1480,
                    "target": 1320,
                    "unit": "元",
                },
                {"title": "终端设备年化返修率从3.5%降至2%", "kind": "decrease", "start": 3.5, "target": 2, "unit": "%"},
            ],
        },
    ],
    "cs": [
        {
            "title": "提高续费与增购,守住老客户基本盘",
            "commitment": "committed",
            "parent": 0,
            "description": "老客户续费和增购是成本最低的收入,守住存量才能让新签真正变成增长。",
            "krs": [
                {"title": "到期客户续费率从86%提升至92%", "kind": "increase", "start": 86, "target": 92, "unit": "%"},
                {"title": "老客户增购合同额达到260万元", "kind": "increase", "start": 0, "target": 260, "unit": "万元"},
                {
                    "title": "按ARR计算的年化客户流失率从8%降至5%",
                    "kind": "decrease",
                    "start": 8,
                    "target": 5,
                    "unit": "%",
                },
            ],
        },
        {
            "title": "让客户用得好、愿意推荐",
            "commitment": "aspirational",
            "parent": 1,
            "description": "服务体验决定客户口碑,新品上市期间更要做到问题快响应、快解决。",
            "krs": [
                {
                    "title": "工单平均首次响应时长从45分钟缩短到15分钟",
                    "kind": "decrease",
                    "start": 45,
                    "target": 15,
                    "unit": "分钟",
                },
                {
                    "title": "客户净推荐值(NPS)从38分提升至45分",
                    "kind": "increase",
                    "start": 38,
                    "target": 45,
                    "unit": "分",
                },
            ],
        },
        {
            "title": "缩短新客户上线周期,提升交付效率",
            "commitment": "committed",
            "parent": 2,
            "description": "交付越快,客户越早用起来、越早回款,实施人力成本也越低。",
            "krs": [
                {
                    "title": "新客户平均实施交付周期从21天缩短到12天",
                    "kind": "decrease",
                    "start": 21,
                    "target": 12,
                    "unit": "天",
                },
                {
                    "title": "标准化远程交付占比从30%提升至60%",
                    "kind": "increase",
                    "start": 30,
                    "target": 60,
                    "unit": "%",
                },
            ],
        },
    ],
    "hr": [
        {
            "title": "为年底冲刺配齐关键岗位人才",
            "commitment": "committed",
            "parent": 0,
            "description": "销售和交付的人手缺口直接影响四季度目标,关键岗位必须在11月前到岗。",
            "krs": [
                {"title": "销售、实施等关键岗位到岗8人", "kind": "increase", "start": 0, "target": 8, "unit": "人"},
                {
                    "title": "关键岗位平均招聘周期从45天缩短到30天",
                    "kind": "decrease",
                    "start": 45,
                    "target": 30,
                    "unit": "天",
                },
            ],
        },
        {
            "title": "激发组织活力,稳住核心骨干",
            "commitment": "aspirational",
            "parent": 2,
            "description": "年底是离职高发期,稳住骨干、让OKR真正用起来,组织效能才能提上去。",
            "krs": [
                {"title": "核心骨干季度主动离职率从4%降至2%", "kind": "decrease", "start": 4, "target": 2, "unit": "%"},
                {
                    "title": "员工敬业度调研得分从72分提升至78分",
                    "kind": "increase",
                    "start": 72,
                    "target": 78,
                    "unit": "分",
                },
                {
                    "title": "全员OKR每周按时更新率从60%提升至90%",
                    "kind": "increase",
                    "start": 60,
                    "target": 90,
                    "unit": "%",
                },
            ],
        },
    ],
    "finance": [
        {
            "title": "守住利润线,确保全年经营盈亏平衡",
            "commitment": "committed",
            "parent": 2,
            "description": "财务要把好费用关、算清每条业务线的账,为管理层的取舍提供依据。",
            "krs": [
                {
                    "title": "四季度综合毛利率保持在60%至66%之间",
                    "kind": "band",
                    "start": 61,
                    "target": 63,
                    "unit": "%",
                    "low": 60,
                    "high": 66,
                },
                {
                    "title": "四季度经营费用从1380万元压降至1250万元以内",
                    "kind": "decrease",
                    "start": 1380,
                    "target": 1250,
                    "unit": "万元",
                },
            ],
        },
        {
            "title": "加快回款,保障现金流安全",
            "commitment": "committed",
            "parent": 0,
            "description": "收入确认了但钱收不回来等于白干,年底前必须把应收账款降下来。",
            "krs": [
                {
                    "title": "应收账款周转天数从75天缩短到55天",
                    "kind": "decrease",
                    "start": 75,
                    "target": 55,
                    "unit": "天",
                },
                {
                    "title": "逾期90天以上应收账款从320万元降至150万元",
                    "kind": "decrease",
                    "start": 320,
                    "target": 150,
                    "unit": "万元",
                },
            ],
        },
        {
            "title": "搭建业财一体化经营分析体系",
            "commitment": "aspirational",
            "parent": 2,
            "description": "管理层需要按产品线、按区域看清盈利情况,才能把资源投到最赚钱的地方。",
            "krs": [
                {
                    "title": "12月底前上线按产品线和区域的经营分析看板",
                    "kind": "milestones",
                    "start": 0,
                    "target": 1,
                    "unit": "",
                    "milestones": [
                        "10月31日前统一收入与成本的分摊口径",
                        "11月20日前打通CRM与财务系统数据",
                        "12月15日前完成看板开发与数据核对",
                        "12月31日前在经营分析会上正式使用",
                    ],
                },
                {
                    "title": "月度结账从第8个工作日提前到第5个工作日完成",
                    "kind": "decrease",
                    "start": 8,
                    "target": 5,
                    "unit": "天",
                },
            ],
        },
    ],
}

# ---------------------------------------------------------------------------
# 个人季度 OKR 模板,"parent_dept_okr" 为本部门 DEPARTMENT_OKRS 的下标
# ---------------------------------------------------------------------------

PERSONAL_OKRS: dict[str, list[Objective]] = {
    "sales": [
        {
            "title": "超额完成个人四季度签约任务",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "个人业绩是部门冲刺全年目标的基础,四季度要争取超额完成。",
            "krs": [
                {"title": "个人新签合同额达到120万元", "kind": "increase", "start": 0, "target": 120, "unit": "万元"},
                {"title": "个人回款达到110万元", "kind": "increase", "start": 0, "target": 110, "unit": "万元"},
            ],
        },
        {
            "title": "经营好自己的商机池,提高赢单率",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "商机质量比数量更重要,把精力放在最可能成交的客户身上。",
            "krs": [
                {"title": "新增有效商机25个", "kind": "increase", "start": 0, "target": 25, "unit": "个"},
                {"title": "个人商机赢单率从18%提升至25%", "kind": "increase", "start": 18, "target": 25, "unit": "%"},
            ],
        },
        {
            "title": "深耕负责区域,挖出连锁客户增量",
            "commitment": "aspirational",
            "parent_dept_okr": 0,
            "description": "区域内还有不少连锁品牌没用上数字化系统,主动拜访才能把机会变成订单。",
            "krs": [
                {"title": "面访重点连锁客户40家", "kind": "increase", "start": 0, "target": 40, "unit": "家"},
                {"title": "新签连锁品牌客户4家", "kind": "increase", "start": 0, "target": 4, "unit": "家"},
            ],
        },
        {
            "title": "把新品带进每一次客户拜访",
            "commitment": "aspirational",
            "parent_dept_okr": 2,
            "description": "Y3和会员营销2.0是今年的增量来源,首批销量靠一线销售一单一单打出来。",
            "krs": [
                {"title": "签约会员营销2.0客户7家", "kind": "increase", "start": 0, "target": 7, "unit": "家"},
                {"title": "拿下Y3收银一体机订单250台", "kind": "increase", "start": 0, "target": 250, "unit": "台"},
            ],
        },
        {
            "title": "缩短成交周期,提升签单效率",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "年底时间窗口有限,早一周签约就多一分完成全年目标的把握。",
            "krs": [
                {
                    "title": "个人平均销售周期从62天缩短到45天",
                    "kind": "decrease",
                    "start": 62,
                    "target": 45,
                    "unit": "天",
                },
                {
                    "title": "方案演示到报价的转化率从40%提升至55%",
                    "kind": "increase",
                    "start": 40,
                    "target": 55,
                    "unit": "%",
                },
            ],
        },
    ],
    "marketing": [
        {
            "title": "产出能带来线索的优质内容",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "好内容是成本最低的获客渠道,要让每篇内容都能带回线索。",
            "krs": [
                {
                    "title": "发布行业干货文章和解决方案内容12篇",
                    "kind": "increase",
                    "start": 0,
                    "target": 12,
                    "unit": "篇",
                },
                {"title": "内容渠道带来MQL 300条", "kind": "increase", "start": 0, "target": 300, "unit": "条"},
            ],
        },
        {
            "title": "让每一分投放预算都花得值",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "预算不增加的情况下,只有提高投放效率才能拿到更多线索。",
            "krs": [
                {
                    "title": "负责渠道的单条有效线索成本从420元降至320元",
                    "kind": "decrease",
                    "start": 420,
                    "target": 320,
                    "unit": "元",
                },
                {
                    "title": "负责渠道投放ROI从1.8提升至2.5",
                    "kind": "increase",
                    "start": 1.8,
                    "target": 2.5,
                    "unit": "倍",
                },
            ],
        },
        {
            "title": "办好峰会和城市沙龙,把人气变成商机",
            "commitment": "aspirational",
            "parent_dept_okr": 1,
            "description": "线下活动是连锁客户决策人最集中的场合,要把到场客户转化为销售商机。",
            "krs": [
                {"title": "举办城市沙龙6场", "kind": "increase", "start": 0, "target": 6, "unit": "场"},
                {"title": "活动有效报名达到600人", "kind": "increase", "start": 0, "target": 600, "unit": "人"},
                {
                    "title": "活动到场客户转商机比例从10%提升至20%",
                    "kind": "increase",
                    "start": 10,
                    "target": 20,
                    "unit": "%",
                },
            ],
        },
        {
            "title": "打磨有说服力的标杆客户案例",
            "commitment": "committed",
            "parent_dept_okr": 2,
            "description": "真实、可量化的客户故事是销售最好用的武器。",
            "krs": [
                {"title": "完成带量化效果的客户案例3个", "kind": "increase", "start": 0, "target": 3, "unit": "个"},
                {"title": "案例素材被销售引用20次", "kind": "increase", "start": 0, "target": 20, "unit": "次"},
            ],
        },
        {
            "title": "扩大云舟在社交媒体上的影响力",
            "commitment": "aspirational",
            "parent_dept_okr": 1,
            "description": "老板们越来越多地在视频号和小红书上了解供应商,我们不能缺席。",
            "krs": [
                {"title": "负责账号新增关注3000人", "kind": "increase", "start": 0, "target": 3000, "unit": "人"},
                {
                    "title": "单条内容平均播放量从2000次提升至5000次",
                    "kind": "increase",
                    "start": 2000,
                    "target": 5000,
                    "unit": "次",
                },
            ],
        },
    ],
    "rd": [
        {
            "title": "按期交付负责的路线图需求",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "路线图上的每个需求背后都有客户和销售在等,按期交付是对他们的承诺。",
            "krs": [
                {
                    "title": "负责需求按期交付率从70%提升至90%",
                    "kind": "increase",
                    "start": 70,
                    "target": 90,
                    "unit": "%",
                },
                {
                    "title": "需求评审一次通过率从60%提升至85%",
                    "kind": "increase",
                    "start": 60,
                    "target": 85,
                    "unit": "%",
                },
            ],
        },
        {
            "title": "深入一线,用数据打磨产品体验",
            "commitment": "aspirational",
            "parent_dept_okr": 1,
            "description": "只有到门店里看客户怎么用,才能发现报表里看不到的问题。",
            "krs": [
                {"title": "完成门店实地走访和用户访谈10次", "kind": "increase", "start": 0, "target": 10, "unit": "次"},
                {
                    "title": "负责功能模块周活跃率从35%提升至50%",
                    "kind": "increase",
                    "start": 35,
                    "target": 50,
                    "unit": "%",
                },
            ],
        },
        {
            "title": "减少负责模块的客户困扰",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "每一张使用类工单都说明产品还不够好用,要从源头把问题消灭掉。",
            "krs": [
                {
                    "title": "负责模块的使用类工单从每月150张降至90张",
                    "kind": "decrease",
                    "start": 150,
                    "target": 90,
                    "unit": "张",
                },
                {
                    "title": "新功能上线时同步完成帮助文档和操作视频",
                    "kind": "boolean",
                    "start": 0,
                    "target": 1,
                    "unit": "",
                },
            ],
        },
        {
            "title": "提升需求与设计交付质量",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "需求想清楚、设计一次到位,研发和测试才不会反复返工。",
            "krs": [
                {
                    "title": "开发阶段需求变更次数从12次降至5次",
                    "kind": "decrease",
                    "start": 12,
                    "target": 5,
                    "unit": "次",
                },
                {
                    "title": "设计稿走查问题数从每个版本20个降至8个",
                    "kind": "decrease",
                    "start": 20,
                    "target": 8,
                    "unit": "个",
                },
            ],
        },
    ],
    "platform": [
        {
            "title": "交付经得起考验的高质量代码",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "代码质量决定线上稳定,也决定团队能不能越跑越快。",
            "krs": [
                {
                    "title": "负责服务单元测试覆盖率从45%提升至65%",
                    "kind": "increase",
                    "start": 45,
                    "target": 65,
                    "unit": "%",
                },
                {
                    "title": "提测后发现的缺陷数从每迭代15个降至8个",
                    "kind": "decrease",
                    "start": 15,
                    "target": 8,
                    "unit": "个",
                },
            ],
        },
        {
            "title": "守护负责服务在大促期间的稳定",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "大促期间门店收银不能出问题,每个人都要守好自己负责的服务。",
            "krs": [
                {
                    "title": "负责服务可用性保持在99.9%至99.99%之间",
                    "kind": "band",
                    "start": 99.92,
                    "target": 99.95,
                    "unit": "%",
                    "low": 99.9,
                    "high": 99.99,
                },
                {
                    "title": "负责服务引发的P1/P2故障从3次降至0次",
                    "kind": "decrease",
                    "start": 3,
                    "target": 0,
                    "unit": "次",
                },
            ],
        },
        {
            "title": "优化性能与资源成本",
            "commitment": "aspirational",
            "parent_dept_okr": 2,
            "description": "更快的接口和更省的资源,既提升体验也直接增加毛利。",
            "krs": [
                {
                    "title": "负责接口P99响应时间从800毫秒降至300毫秒",
                    "kind": "decrease",
                    "start": 800,
                    "target": 300,
                    "unit": "毫秒",
                },
                {
                    "title": "负责服务月度云资源费用从8万元降至6万元",
                    "kind": "decrease",
                    "start": 8,
                    "target": 6,
                    "unit": "万元",
                },
            ],
        },
        {
            "title": "按期完成迭代任务,不拖团队后腿",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "四季度版本节奏紧,个人任务按期完成是整体按期交付的前提。",
            "krs": [
                {
                    "title": "迭代任务按期完成率从75%提升至95%",
                    "kind": "increase",
                    "start": 75,
                    "target": 95,
                    "unit": "%",
                },
                {
                    "title": "代码评审平均响应时长从24小时缩短到8小时",
                    "kind": "decrease",
                    "start": 24,
                    "target": 8,
                    "unit": "小时",
                },
            ],
        },
        {
            "title": "沉淀技术经验,带动团队共同成长",
            "commitment": "aspirational",
            "parent_dept_okr": 1,
            "description": "把踩过的坑写下来、讲出来,团队才不会在同一个地方摔两次。",
            "krs": [
                {"title": "完成内部技术分享2次", "kind": "increase", "start": 0, "target": 2, "unit": "次"},
                {"title": "输出故障复盘或技术方案文档4篇", "kind": "increase", "start": 0, "target": 4, "unit": "篇"},
            ],
        },
    ],
    "hardware": [
        {
            "title": "确保负责模块按节点完成验证",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "Y3量产节点环环相扣,任何一个模块延误都会影响整体交付。",
            "krs": [
                {
                    "title": "负责模块按节点完成量产前验证",
                    "kind": "milestones",
                    "start": 0,
                    "target": 1,
                    "unit": "",
                    "milestones": ["完成设计评审与问题关闭", "完成样机调试", "通过可靠性测试", "输出量产工艺文件"],
                },
                {"title": "负责模块遗留问题从20个清零", "kind": "decrease", "start": 20, "target": 0, "unit": "个"},
            ],
        },
        {
            "title": "提升产线良率,让量产更顺",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "良率每提高一个点,就少一批返工和物料浪费。",
            "krs": [
                {"title": "负责工序直通率从92%提升至97%", "kind": "increase", "start": 92, "target": 97, "unit": "%"},
                {
                    "title": "产线异常平均处理时长从8小时缩短到3小时",
                    "kind": "decrease",
                    "start": 8,
                    "target": 3,
                    "unit": "小时",
                },
            ],
        },
        {
            "title": "推动降本方案落地",
            "commitment": "aspirational",
            "parent_dept_okr": 1,
            "description": "硬件毛利薄,每台省下的钱乘以出货量就是实打实的利润。",
            "krs": [
                {"title": "提出并验证通过降本方案3项", "kind": "increase", "start": 0, "target": 3, "unit": "项"},
                {"title": "负责部分单台成本降低40元", "kind": "increase", "start": 0, "target": 40, "unit": "元"},
            ],
        },
        {
            "title": "降低终端返修率,减少客户困扰",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "设备返修既伤客户体验又吃掉利润,要从设计和来料上找到根因。",
            "krs": [
                {
                    "title": "负责问题类别的返修率从3.5%降至2%",
                    "kind": "decrease",
                    "start": 3.5,
                    "target": 2,
                    "unit": "%",
                },
                {
                    "title": "返修问题根因分析平均用时从7天缩短到3天",
                    "kind": "decrease",
                    "start": 7,
                    "target": 3,
                    "unit": "天",
                },
            ],
        },
    ],
    "cs": [
        {
            "title": "守住负责客户的续费,争取增购",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "每一家老客户的续费都来之不易,续得住才能谈增长。",
            "krs": [
                {"title": "负责客户续费率从86%提升至92%", "kind": "increase", "start": 86, "target": 92, "unit": "%"},
                {"title": "促成老客户增购合同额30万元", "kind": "increase", "start": 0, "target": 30, "unit": "万元"},
            ],
        },
        {
            "title": "又快又好地解决客户问题",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "门店遇到问题最怕没人管,响应快、解决好,客户才会放心。",
            "krs": [
                {
                    "title": "工单首次响应时长从45分钟缩短到15分钟",
                    "kind": "decrease",
                    "start": 45,
                    "target": 15,
                    "unit": "分钟",
                },
                {
                    "title": "工单满意度从4.3分提升至4.7分",
                    "kind": "increase",
                    "start": 4.3,
                    "target": 4.7,
                    "unit": "分",
                },
            ],
        },
        {
            "title": "按期完成新客户上线交付",
            "commitment": "committed",
            "parent_dept_okr": 2,
            "description": "客户越早用起来就越早见到价值,也越早回款。",
            "krs": [
                {
                    "title": "负责项目平均交付周期从21天缩短到12天",
                    "kind": "decrease",
                    "start": 21,
                    "target": 12,
                    "unit": "天",
                },
                {
                    "title": "交付客户首月活跃门店占比从65%提升至80%",
                    "kind": "increase",
                    "start": 65,
                    "target": 80,
                    "unit": "%",
                },
            ],
        },
        {
            "title": "深度经营重点客户,成为客户信赖的顾问",
            "commitment": "aspirational",
            "parent_dept_okr": 0,
            "description": "重点客户贡献了大部分收入,要从“解决问题”走向“帮客户做好生意”。",
            "krs": [
                {
                    "title": "完成重点客户季度业务回顾(QBR)8次",
                    "kind": "increase",
                    "start": 0,
                    "target": 8,
                    "unit": "次",
                },
                {"title": "挖掘并移交增购商机5个", "kind": "increase", "start": 0, "target": 5, "unit": "个"},
            ],
        },
    ],
    "hr": [
        {
            "title": "按时招到业务急需的人才",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "人到不了岗,业务目标就无从谈起,招聘要跑在业务需求前面。",
            "krs": [
                {"title": "负责岗位到岗3人", "kind": "increase", "start": 0, "target": 3, "unit": "人"},
                {
                    "title": "负责岗位平均招聘周期从45天缩短到30天",
                    "kind": "decrease",
                    "start": 45,
                    "target": 30,
                    "unit": "天",
                },
            ],
        },
        {
            "title": "帮新同事快速融入、尽快上手",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "新人前三个月的体验决定他们能否留下来、干得好。",
            "krs": [
                {
                    "title": "新员工试用期转正率从80%提升至95%",
                    "kind": "increase",
                    "start": 80,
                    "target": 95,
                    "unit": "%",
                },
                {
                    "title": "新员工入职30天满意度从4.2分提升至4.6分",
                    "kind": "increase",
                    "start": 4.2,
                    "target": 4.6,
                    "unit": "分",
                },
            ],
        },
        {
            "title": "推动OKR在各部门真正用起来",
            "commitment": "aspirational",
            "parent_dept_okr": 1,
            "description": "OKR只有每周更新、每季复盘,才不会沦为季度初的一张表。",
            "krs": [
                {
                    "title": "对接部门OKR每周按时更新率从60%提升至90%",
                    "kind": "increase",
                    "start": 60,
                    "target": 90,
                    "unit": "%",
                },
                {"title": "组织OKR复盘与辅导工作坊4场", "kind": "increase", "start": 0, "target": 4, "unit": "场"},
            ],
        },
        {
            "title": "提升员工服务体验与事务效率",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "人事和行政服务做得顺,大家才能把精力放在业务上。",
            "krs": [
                {
                    "title": "入离职等人事事务平均办理时长从3天缩短到1天",
                    "kind": "decrease",
                    "start": 3,
                    "target": 1,
                    "unit": "天",
                },
                {
                    "title": "员工服务满意度从82分提升至90分",
                    "kind": "increase",
                    "start": 82,
                    "target": 90,
                    "unit": "分",
                },
            ],
        },
    ],
    "finance": [
        {
            "title": "又快又准地完成月度结账",
            "commitment": "committed",
            "parent_dept_okr": 2,
            "description": "账结得快、结得准,管理层才能及时看清经营状况。",
            "krs": [
                {
                    "title": "月度结账从第8个工作日提前到第5个工作日完成",
                    "kind": "decrease",
                    "start": 8,
                    "target": 5,
                    "unit": "天",
                },
                {
                    "title": "结账差错调整次数从每月3次降至0次",
                    "kind": "decrease",
                    "start": 3,
                    "target": 0,
                    "unit": "次",
                },
            ],
        },
        {
            "title": "盯紧负责客户的回款",
            "commitment": "committed",
            "parent_dept_okr": 1,
            "description": "回款是现金流的生命线,应收要一家一家盯、一笔一笔催。",
            "krs": [
                {
                    "title": "负责客户逾期应收从80万元降至35万元",
                    "kind": "decrease",
                    "start": 80,
                    "target": 35,
                    "unit": "万元",
                },
                {
                    "title": "开票后7天内完成回款提醒的比例从70%提升至100%",
                    "kind": "increase",
                    "start": 70,
                    "target": 100,
                    "unit": "%",
                },
            ],
        },
        {
            "title": "做好费用管控,把钱花在刀刃上",
            "commitment": "committed",
            "parent_dept_okr": 0,
            "description": "费用管控不是卡报销,而是让每一笔支出都有预算、有依据。",
            "krs": [
                {
                    "title": "报销单平均审核时长从4天缩短到2天",
                    "kind": "decrease",
                    "start": 4,
                    "target": 2,
                    "unit": "天",
                },
                {"title": "超预算费用占比从9%降至3%", "kind": "decrease", "start": 9, "target": 3, "unit": "%"},
            ],
        },
        {
            "title": "为业财一体化打好数据基础",
            "commitment": "aspirational",
            "parent_dept_okr": 2,
            "description": "经营分析看板要靠准确的基础数据,口径统一是第一步。",
            "krs": [
                {
                    "title": "按期完成负责部分的数据口径梳理与核对",
                    "kind": "milestones",
                    "start": 0,
                    "target": 1,
                    "unit": "",
                    "milestones": [
                        "梳理负责科目的现行口径",
                        "与业务部门确认分摊规则",
                        "完成历史三个月数据核对",
                        "输出口径说明文档",
                    ],
                },
                {
                    "title": "CRM与财务系统合同数据差异从45条降至5条以内",
                    "kind": "decrease",
                    "start": 45,
                    "target": 5,
                    "unit": "条",
                },
            ],
        },
    ],
}


# ---------------------------------------------------------------------------
# 周更新、信心下降原因、阻碍
# ---------------------------------------------------------------------------

CHECKIN_NOTES: list[str] = [
    "本周新签3家连锁客户,合同额86万元,回款42万元。",
    "本周拜访客户9家,新增有效商机4个,其中2个已进入报价阶段。",
    "与宁波某烘焙连锁完成第二轮方案演示,对方财务已在走合同审批流程。",
    "本周回款58万元,季度累计回款完成率达到64%。",
    "本周MQL新增186条,线索转商机比例14.5%,较上周提升1.2个百分点。",
    "抖音信息流停投两个低效计划,单条线索成本从410元降到365元。",
    "峰会报名已达到220人,嘉宾名单全部确认,下周开始媒体邀约。",
    "本周发布公众号文章2篇,阅读量合计1.3万,带来线索47条。",
    "完成两个客户案例的访谈和初稿,正在等待客户确认数据。",
    "会员营销2.0完成提测,本周修复缺陷37个,剩余P2以下缺陷12个。",
    "本周完成5家门店实地走访,整理出8条体验问题,已排入下个迭代。",
    "路线图本周按期交付4个需求,1个因接口依赖顺延到下周。",
    "完成订单服务分库压测,峰值下单QPS达到3200,P99响应时间降到420毫秒。",
    "本周无P1故障,核心服务可用性99.97%。",
    "下线两组闲置测试集群,月度云资源费用预计减少4.6万元。",
    "单元测试覆盖率从48%提升到53%,新增用例210个。",
    "Y3完成第二轮跌落测试,发现的外壳开裂问题已改模,下周复测。",
    "PVT试产完成320台,直通率94.1%,主要不良为触摸屏贴合气泡。",
    "与主板供应商完成二次议价,单台成本下降18元。",
    "本周完成7家新客户上线,平均交付周期15天。",
    "本周处理工单412张,平均首次响应时长22分钟,较上周缩短6分钟。",
    "完成3家重点客户的季度业务回顾,挖掘出1个增购商机,预计金额12万元。",
    "本周到期客户14家,已续费11家,2家在走审批,1家明确流失。",
    "远程交付试点完成4家,客户满意度均在4.5分以上。",
    "本周完成面试23场,发出offer 3份,其中2名销售下周一入职。",
    "新员工入职培训已按新版课程完成一期,参训12人,满意度4.6分。",
    "本周全员OKR按时更新率78%,销售部和客户成功部已达到90%以上。",
    "9月月结在第6个工作日完成,比上月提前1天。",
    "本周催收逾期应收4笔,收回38万元,90天以上逾期余额降至246万元。",
    "完成四季度费用预算的部门拆分,并同步给各部门负责人确认。",
    "CRM与财务系统的合同数据完成首轮比对,差异从45条降至19条。",
    "本周进度正常,按计划推进,暂无需要协调的问题。",
    "本周主要在准备下周的客户演示,进度略慢,周末前补齐方案材料。",
    "和产品、研发对齐了需求优先级,下周起按新排期推进。",
]

CONFIDENCE_FALL_REASONS: list[str] = [
    "大客户A的采购预算被集团冻结,签约推迟到明年一季度;已把资源转向两家备选客户,争取补上缺口。",
    "3C认证检测排期比预期晚了两周,Y3量产节点随之顺延;已申请加急通道,并与代工厂协调压缩试产周期。",
    "两名资深销售在10月离职,负责的商机需要重新跟进;已由销售总监亲自接手重点客户,新人下周到岗。",
    "信息流平台调整了投放规则,线索成本一周内上涨30%;已暂停低效计划,把预算挪到行业展会和私域渠道。",
    "会员营销2.0灰度期间发现积分结算存在数据一致性问题,上线时间需推迟两周;已抽调两名后端专项攻关。",
    "主板关键芯片供应紧张,交期从4周拉长到10周;已启用备选料号并加急验证,同时调整首批交付顺序。",
    "双十一期间连续出现两次P2故障,可用性已逼近区间下限;已冻结非紧急发布,优先完成限流和降级改造。",
    "几家老客户被竞品低价挖角,续费谈判明显吃力;已申请阶梯续费优惠,并安排CEO拜访其中两家。",
    "原计划的两场城市沙龙因场地取消无法举办,报名人数目标难以完成;已改为线上直播,并加大老客户转介绍。",
    "客户对新版收银界面的学习成本高于预期,首月活跃率不升反降;已增加上门培训,并优化新手引导。",
    "财务系统升级占用了大量人手,月结提速计划受影响;已把口径梳理拆分为两期,本季度先完成收入部分。",
    "关键岗位候选人接连拒绝offer,主要原因是薪资竞争力不足;已与管理层沟通调整薪资带宽,并扩大猎头渠道。",
]

# 每条周更新适用的部门(与 CHECKIN_NOTES 一一对应;空元组表示各部门通用),
# 这样生成器不会把“新签合同”的周更新写到财务同事的关键结果下。
CHECKIN_NOTE_DEPARTMENTS: list[tuple[str, ...]] = [
    ("sales",),
    ("sales",),
    ("sales",),
    ("sales",),
    ("marketing",),
    ("marketing",),
    ("marketing",),
    ("marketing",),
    ("marketing",),
    ("rd", "platform"),
    ("rd",),
    ("rd",),
    ("platform",),
    ("platform",),
    ("platform",),
    ("platform",),
    ("hardware",),
    ("hardware",),
    ("hardware",),
    ("cs",),
    ("cs",),
    ("cs",),
    ("cs",),
    ("cs",),
    ("hr",),
    ("hr",),
    ("hr",),
    ("finance",),
    ("finance",),
    ("finance",),
    ("finance",),
    (),
    (),
    (),
]

# 每条信心下降原因适用的部门(与 CONFIDENCE_FALL_REASONS 一一对应)。
CONFIDENCE_FALL_REASON_DEPARTMENTS: list[tuple[str, ...]] = [
    ("sales",),
    ("hardware", "rd"),
    ("sales",),
    ("marketing",),
    ("rd", "platform"),
    ("hardware",),
    ("platform",),
    ("cs", "sales"),
    ("marketing",),
    ("cs", "rd"),
    ("finance",),
    ("hr",),
]

BLOCKER_NOTES: list[str] = [
    "客户法务对合同中的数据安全条款有异议,需要法务同事协助出具修改意见。",
    "等待研发提供会员营销2.0的接口文档,客户对接无法开始。",
    "测试环境数据库频繁超时,影响回归测试进度,需要运维排查。",
    "Y3样机数量不足,销售演示和客户试用只能排队。",
    "代工厂产线排期冲突,PVT试产需要采购部门出面协调。",
    "峰会场地合同还在走审批,再拖一周将无法锁定会场。",
    "客户门店网络不稳定,电子价签批量同步失败,需要硬件和研发联合排查。",
    "报价超出销售折扣权限,需要销售总监审批。",
    "新员工电脑和系统账号还没开通,影响下周一正常上岗。",
    "CRM里部分合同缺少回款计划,财务无法准确预测现金流。",
    "云服务商的预留实例折扣方案尚未批复,成本优化无法落地。",
    "产品需求优先级存在分歧,需要产品研发部总监拍板。",
]


# ---------------------------------------------------------------------------
# 自检
# ---------------------------------------------------------------------------

if __name__ == "__main__":
    import re

    chars = {ch for name in SURNAMES + GIVEN_NAMES for ch in name}
    missing = sorted(ch for ch in chars if ch not in PINYIN)
    assert not missing, f"PINYIN 缺少: {missing}"
    assert all(re.fullmatch(r"[a-z]+", py) for py in PINYIN.values())
    assert len(SURNAMES) >= 80 and len(set(SURNAMES)) == len(SURNAMES)
    assert len(GIVEN_NAMES) >= 150 and len(set(GIVEN_NAMES)) == len(GIVEN_NAMES)
    assert all(1 <= len(n) <= 2 for n in GIVEN_NAMES)

    keys = [d["key"] for d in DEPARTMENTS]
    assert len(keys) >= 6 and len(set(keys)) == len(keys)
    assert {"sales", "marketing"} <= set(keys)
    assert all(d["parent"] in (None, *keys) for d in DEPARTMENTS)
    assert all(1 <= len(d["teams"]) <= 3 for d in DEPARTMENTS)
    assert len(EXECUTIVES) == 4 and EXECUTIVES[0]["department"] is None
    assert all(e["department"] in (None, *keys) for e in EXECUTIVES)
    assert len(COMPANY["strategic_goals"]) == 3

    def check_objective(o: Objective) -> None:
        assert len(o["title"]) <= 30, o["title"]
        assert o["commitment"] in ("committed", "aspirational")
        assert 1 <= len(o["krs"]) <= 3, o["title"]
        for kr in o["krs"]:
            kind = kr["kind"]
            if kind == "increase":
                assert kr["target"] > kr["start"], kr["title"]
            elif kind == "decrease":
                assert kr["target"] < kr["start"], kr["title"]
            elif kind == "band":
                assert kr["low"] <= kr["start"] <= kr["high"], kr["title"]
                assert kr["low"] <= kr["target"] <= kr["high"], kr["title"]
            elif kind == "milestones":
                assert 3 <= len(kr["milestones"]) <= 5, kr["title"]
                assert (kr["start"], kr["target"], kr["unit"]) == (0, 1, "")
            elif kind == "boolean":
                assert (kr["start"], kr["target"], kr["unit"]) == (0, 1, "")
            else:
                raise AssertionError(f"未知类型 {kind}")

    assert len(COMPANY_ANNUAL_OKRS) == 3 and len(COMPANY_QUARTERLY_OKRS) == 3
    for o in COMPANY_ANNUAL_OKRS:
        check_objective(o)
    for o in COMPANY_QUARTERLY_OKRS:
        check_objective(o)
        assert 0 <= o["parent"] < len(COMPANY_ANNUAL_OKRS)
    assert set(DEPARTMENT_OKRS) == set(keys) == set(PERSONAL_OKRS)
    for key, objs in DEPARTMENT_OKRS.items():
        assert 2 <= len(objs) <= 3, key
        for o in objs:
            check_objective(o)
            assert 0 <= o["parent"] < len(COMPANY_QUARTERLY_OKRS)
    for key, objs in PERSONAL_OKRS.items():
        assert len(objs) >= 4, key
        for o in objs:
            check_objective(o)
            assert 0 <= o["parent_dept_okr"] < len(DEPARTMENT_OKRS[key]), o["title"]
    assert len(CHECKIN_NOTES) >= 30
    assert len(CONFIDENCE_FALL_REASONS) >= 8
    assert len(BLOCKER_NOTES) >= 8
    assert len(CHECKIN_NOTE_DEPARTMENTS) == len(CHECKIN_NOTES)
    assert len(CONFIDENCE_FALL_REASON_DEPARTMENTS) == len(CONFIDENCE_FALL_REASONS)
    for depts in CHECKIN_NOTE_DEPARTMENTS + CONFIDENCE_FALL_REASON_DEPARTMENTS:
        assert set(depts) <= set(keys), depts
    print(f"自检通过:{len(SURNAMES)} 个姓,{len(GIVEN_NAMES)} 个名,{len(PINYIN)} 个拼音条目。")
