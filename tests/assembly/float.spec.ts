// Floating point: parse and print like Redis 7.0. Expected values:
//  - PARSE_TABLE: glibc strtod/strtold wrapped in Redis 7.0's string2d/string2ld checks (compiled C,
//    the same code path redis-server runs), as f64 bit patterns;
//  - SCORE_TABLE: ZADD zz <input> m; ZSCORE zz m on redis-server 7.0 (parseDouble + "%.17g");
//  - INCR_TABLE: SET kf <value>; INCRBYFLOAT kf <incr> on redis-server 7.0 ("ERR" = error reply).
import {
  parseDouble, parseStrtod, parseLongDouble, parsedF64, formatDouble17g, formatHumanLongDouble, formatShortestDouble,
  parseLongDoubleTo, ldAdd, ldIsFinite, formatHumanLd, ldFromF64, ldToF64, LD_SLOT_SIZE,
} from "../../assembly/util/float";

const IN = memory.data(8192);
const OUT = memory.data(8192);
const A = memory.data(16, 8);
const B = memory.data(16, 8);

function put(at: usize, s: string): u32 {
  for (let i = 0; i < s.length; i++) store<u8>(at + <usize>i, <u8>s.charCodeAt(i));
  return <u32>s.length;
}

function text(n: u32): string {
  let s = "";
  for (let i: u32 = 0; i < n; i++) s += String.fromCharCode(load<u8>(OUT + i));
  return s;
}

function bitsOf(v: f64): string {
  const b = reinterpret<u64>(v);
  let s = "";
  for (let i = 15; i >= 0; i--) {
    const nib = <i32>((b >> (<u64>i * 4)) & 15);
    s += String.fromCharCode(nib < 10 ? 0x30 + nib : 0x57 + nib);
  }
  return s;
}

function resultOf(ok: bool): string {
  return ok ? "1 " + bitsOf(parsedF64) : "0";
}

function incrbyfloat(value: string, incr: string): string {
  if (!parseLongDoubleTo(IN, put(IN, incr), B)) return "ERR";
  if (!parseLongDoubleTo(IN, put(IN, value), A)) return "ERR";
  ldAdd(A, A, B);
  if (!ldIsFinite(A)) return "ERR";
  return text(formatHumanLd(OUT, A));
}

// [input, parseDouble result, parseLongDouble result]; result = "0" or "1 <f64 bits>"
const PARSE_TABLE: string[][] = [
  ["0", "1 0000000000000000", "1 0000000000000000"],
  ["-0", "1 8000000000000000", "1 8000000000000000"],
  ["+0", "1 0000000000000000", "1 0000000000000000"],
  ["1", "1 3ff0000000000000", "1 3ff0000000000000"],
  ["-1", "1 bff0000000000000", "1 bff0000000000000"],
  ["+1", "1 3ff0000000000000", "1 3ff0000000000000"],
  ["0.1", "1 3fb999999999999a", "1 3fb999999999999a"],
  ["10.5", "1 4025000000000000", "1 4025000000000000"],
  [".5", "1 3fe0000000000000", "1 3fe0000000000000"],
  ["5.", "1 4014000000000000", "1 4014000000000000"],
  ["-.5", "1 bfe0000000000000", "1 bfe0000000000000"],
  ["1e5", "1 40f86a0000000000", "1 40f86a0000000000"],
  ["1E+5", "1 40f86a0000000000", "1 40f86a0000000000"],
  ["1e-5", "1 3ee4f8b588e368f1", "1 3ee4f8b588e368f1"],
  ["3.14159265358979323846", "1 400921fb54442d18", "1 400921fb54442d18"],
  ["2.2250738585072014e-308", "1 0010000000000000", "1 0010000000000000"],
  ["2.2250738585072011e-308", "1 000fffffffffffff", "1 000fffffffffffff"],
  ["4.9406564584124654e-324", "1 0000000000000001", "1 0000000000000001"],
  ["2.4703282292062328e-324", "1 0000000000000001", "1 0000000000000001"],
  ["2.4703282292062327e-324", "0", "1 0000000000000000"],
  ["1e-400", "0", "1 0000000000000000"],
  ["1.7976931348623157e308", "1 7fefffffffffffff", "1 7fefffffffffffff"],
  ["1.7976931348623158e308", "1 7fefffffffffffff", "1 7fefffffffffffff"],
  ["1.7976931348623159e308", "0", "1 7ff0000000000000"],
  ["1e308", "1 7fe1ccf385ebc8a0", "1 7fe1ccf385ebc8a0"],
  ["1e309", "0", "1 7ff0000000000000"],
  ["1e400", "0", "1 7ff0000000000000"],
  ["inf", "1 7ff0000000000000", "1 7ff0000000000000"],
  ["-inf", "1 fff0000000000000", "1 fff0000000000000"],
  ["+inf", "1 7ff0000000000000", "1 7ff0000000000000"],
  ["INF", "1 7ff0000000000000", "1 7ff0000000000000"],
  ["Infinity", "1 7ff0000000000000", "1 7ff0000000000000"],
  ["-INFINITY", "1 fff0000000000000", "1 fff0000000000000"],
  ["infin", "0", "0"],
  ["infinityx", "0", "0"],
  ["nan", "0", "0"],
  ["NaN", "0", "0"],
  ["-nan", "0", "0"],
  ["nan(1)", "0", "0"],
  [" 1", "0", "0"],
  ["1 ", "0", "0"],
  ["\t1", "0", "0"],
  ["", "0", "0"],
  ["-", "0", "0"],
  ["+", "0", "0"],
  [".", "0", "0"],
  ["1e", "0", "0"],
  ["1e+", "0", "0"],
  ["e5", "0", "0"],
  ["1..2", "0", "0"],
  ["1.2.3", "0", "0"],
  ["0x", "0", "0"],
  ["0x1p", "0", "0"],
  ["0x1p3", "1 4020000000000000", "1 4020000000000000"],
  ["0X1P3", "1 4020000000000000", "1 4020000000000000"],
  ["0x1.8p1", "1 4008000000000000", "1 4008000000000000"],
  ["0x.8", "1 3fe0000000000000", "1 3fe0000000000000"],
  ["0x10", "1 4030000000000000", "1 4030000000000000"],
  ["0xg", "0", "0"],
  ["1_0", "0", "0"],
  ["1,5", "0", "0"],
  ["9007199254740993", "1 4340000000000000", "1 4340000000000000"],
  ["9007199254740993.0000000001", "1 4340000000000001", "1 4340000000000000"],
  ["123456789012345678901234567890", "1 45f8ee90ff6c373e", "1 45f8ee90ff6c373e"],
  ["0.30000000000000004", "1 3fd3333333333334", "1 3fd3333333333334"],
  ["1e-4940", "0", "1 0000000000000000"],
  ["1e-5000", "0", "0"],
  ["1e4932", "0", "1 7ff0000000000000"],
  ["1.2e4932", "0", "0"],
  ["0x1p-1074", "1 0000000000000001", "1 0000000000000001"],
  ["0x1p-1075", "0", "1 0000000000000000"],
  ["0x1.8p-1075", "1 0000000000000001", "1 0000000000000001"],
  ["00.00", "1 0000000000000000", "1 0000000000000000"],
  ["0e99999999999", "1 0000000000000000", "1 0000000000000000"],
  ["1e99999999999999999999", "0", "0"],
  ["1e-99999999999999999999", "0", "0"],
  ["0.000001", "1 3eb0c6f7a0b5ed8d", "1 3eb0c6f7a0b5ed8d"],
  ["1.00000000000000011102230246251565404236316680908203125", "1 3ff0000000000000", "1 3ff0000000000000"],
  ["1.000000000000000111022302462515654042363166809082031250001", "1 3ff0000000000001", "1 3ff0000000000000"],
  ["1.0000000000000001110223024625156540423631668090820312", "1 3ff0000000000000", "1 3ff0000000000000"],
];

// [ZADD input, ZSCORE reply]
const SCORE_TABLE: string[][] = [
  ["0", "0"],
  ["0.1", "0.10000000000000001"],
  ["0.2", "0.20000000000000001"],
  ["0.3", "0.29999999999999999"],
  ["1", "1"],
  ["-1", "-1"],
  ["10.5", "10.5"],
  ["1e100", "1e+100"],
  ["1e-5", "1.0000000000000001e-05"],
  ["0.0001", "0.0001"],
  ["123456789012345678", "1.2345678901234568e+17"],
  ["1e17", "1e+17"],
  ["1e16", "10000000000000000"],
  ["99999999999999999", "1e+17"],
  ["5e-324", "4.9406564584124654e-324"],
  ["1.7976931348623157e308", "1.7976931348623157e+308"],
  ["3.0", "3"],
  ["inf", "inf"],
  ["-inf", "-inf"],
  ["4e-320", "3.999955468730732e-320"],
  ["0x10", "16"],
  ["3.14159265358979323846", "3.1415926535897931"],
  ["2.5", "2.5"],
  ["1e21", "1e+21"],
  ["1e22", "1e+22"],
  ["123.456", "123.456"],
  ["-0.000123456789", "-0.000123456789"],
  ["1.5e-7", "1.4999999999999999e-07"],
  ["100", "100"],
  ["1234567890123456789", "1.2345678901234568e+18"],
  ["0.1e-4", "1.0000000000000001e-05"],
  ["2.2250738585072014e-308", "2.2250738585072014e-308"],
  ["1e-320", "9.9998886718268301e-321"],
  ["12345678901234567", "12345678901234568"],
  ["-1e+300", "-1.0000000000000001e+300"],
];

// [stored value, increment, INCRBYFLOAT reply or "ERR"]
const INCR_TABLE: string[][] = [
  ["10.5", "0.1", "10.6"],
  ["0.1", "0.2", "0.3"],
  ["0", "-0", "0"],
  ["0", "1e200", "100000000000000000002458586534161025661508068040050002887327500487325785432383926208372890736129198739813658147359652238566592960617854587787845326097835852628442219969983473365844529789269081145212928"],
  ["0", "1e400", "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880"],
  ["0", "1.5e-7", "0.00000015"],
  ["0", "1e-20", "0"],
  ["0", "-1e-20", "0"],
  ["0", "1e20", "100000000000000000000"],
  ["0", "0x1p3", "8"],
  ["0", "inf", "ERR"],
  ["0", "-inf", "ERR"],
  ["0", "nan", "ERR"],
  ["0", " 1", "ERR"],
  ["0", "+1", "1"],
  ["0", ".5", "0.5"],
  ["0", "5.", "5"],
  ["0", ".", "ERR"],
  ["0", "1e", "ERR"],
  ["0", "1e-5000", "ERR"],
  ["0", "1e-4940", "0"],
  ["0", "1e5000", "ERR"],
  ["0", "3.14159265358979323846", "3.14159265358979324"],
  ["1", "0.000003814697265625", "1.00000381469726562"],
  ["1e4932", "1e4932", "ERR"],
  ["17179869184", "1.5", "17179869185.5"],
  ["17179869184", "17179869184", "34359738368"],
  ["1.5", "1.5", "3"],
  ["5", "-5", "0"],
  ["-1", "0.99", "-0.01"],
  ["0.024390243902439025", "-0.024390243902439025", "0"],
  ["1", "-1.00000000000000000001", "0"],
  ["123456789.123456789", "0.000000001", "123456789.12345678999554366"],
  ["1e-17", "0", "0.00000000000000001"],
  ["5e-18", "0", "0"],
  ["-3", "0.5", "-2.5"],
  ["abc", "1", "ERR"],
  ["1", "abc", "ERR"],
  ["9223372036854775807", "1", "9223372036854775808"],
  ["0.1", "0.7", "0.8"],
  ["1.1", "2.2", "3.3"],
  ["100", "-0.01", "99.99"],
  ["3.7e3", "1", "3701"],
  ["0", "1e308", "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048"],
  ["1.18973149535723176502e+4932", "1", "1189731495357231765021263853030970205169063322294624200440323733891737005522970722616410290336528882853545697807495577314427443153670288434198125573853743678673593200706973263201915918282961524365529510646791086614311790632169778838896134786560600399148753433211454911160088679845154866512852340149773037600009125479393966223151383622417838542743917838138717805889487540575168226347659235576974805113725649020884855222494791399377585026011773549180099796226026859508558883608159846900235645132346594476384939859276456284579661772930407806609229102715046085388087959327781622986827547830768080040150694942303411728957777100335714010559775242124057347007386251660110828379119623008469277200965153500208474470792443848545912886723000619085126472111951361467527633519562927597957250278002980795904193139603021470997035276467445530922022679656280991498232083329641241038509239184734786121921697210543484287048353408113042573002216421348917347174234800714880751002064390517234247656004721768096486107994943415703476320643558624207443504424380566136017608837478165389027809576975977286860071487028287955567141404632615832623602762896316173978484254486860609948270867968048078702511858930838546584223040908805996294594586201903766048446790926002225410530775901065760671347200125846406957030257138960983757998926954553052368560758683179223113639519468850880771872104705203957587480013143131444254943919940175753169339392366881856189129931729104252921236835159922322050998001677102784035360140829296398115122877768135706045789343535451696539561254048846447169786893211671087229088082778350518228857646062218739702851655083720992349483334435228984751232753726636066213902281264706234075352071724058665079518217303463782631353393706774901950197841690441824738063162828586857741432581165364040218402724913393320949219498422442730427019873044536620350262386957804682003601447291997123095530057206141866974852846856186514832715974481203121946751686379343096189615107330065552421485195201762858595091051839472502863871632494167613804996319791441870254302706758495192008837915169401581740046711477877201459644461175204059453504764721807975761111720846273639279600339670470037613374509553184150073796412605047923251661354841291884211340823015473304754067072818763503617332908005951896325207071673904547777129682265206225651439919376804400292380903112437912614776255964694221981375146967079446870358004392507659451618379811859392049544036114915310782251072691486979809240946772142727012404377187409216756613634938900451232351668146089322400697993176017805338191849981933008410985993938760292601390911414526003720284872132411955424282101831204216104467404621635336900583664606591156298764745525068145003932941404131495400677602951005962253022823003631473824681059648442441324864573137437595096416168048024129351876204668135636877532814675538798871771836512893947195335061885003267607354388673368002074387849657014576090349857571243045102038730494854256702479339322809110526041538528994849203991091946129912491633289917998094380337879522093131466946149705939664152375949285890960489916121944989986384837022486672249148924678410206183364627416969576307632480235587975245253737035433882960862753427740016333434055083537048507374544819754722228975281083020898682633020285259923084168054539687911418297629988964576482765287504562854924265165217750799516259669229114977788962356670956627138482018191348321687995863652637620978285070099337294396784639879024914514222742527006363942327998483976739987154418554201562244154926653014515504685489258620276085761837129763358761215382565129633538141663949516556000264159186554850057052611431952919918807954522394649627635630178580896692226406235382898535867595990647008385687123810329591926494846250768992258419305480763620215089022149220528069842018350840586938493815498909445461977893029113576516775406232278298314033473276603952231603422824717528181818844304880921321933550869873395861276073670866652375555675803171490108477320096424318780070008797346032906278943553743564448851907191616455141155761939399690767415156402826543664026760095087523945507341556135867933066031744720924446513532366647649735400851967040771103640538150073486891798364049570606189535005089840913826869535090066783324472578712196604415284924840041850932811908963634175739897166596000759487800619164094854338758520657116541072260996288150123144377944008749301944744330784388995701842710004808305012177123560622895076269042856800047718893158089358515593863176652948089031267747029662545110861548958395087796755464137944895960527975209874813839762578592105756284401759349324162148339565350189196811389091843795734703269406342890087805846940352453479398080674273236297887100867175802531561302356064878709259865288416350972529537091114317204887747405539054009425375424119317944175137064689643861517718849867010341532542385911089624710885385808688837777258648564145934262121086647588489260031762345960769508849149662444156604419552086811989770240"],
  ["0", "0x1p-16445", "0"],
];

describe("parseDouble (string2d)", () => {
  it("accepts and rounds exactly as strtod under Redis's checks", () => {
    for (let i = 0; i < PARSE_TABLE.length; i++) {
      const got = resultOf(parseDouble(IN, put(IN, PARSE_TABLE[i][0])));
      if (got != PARSE_TABLE[i][1]) log<string>("parseDouble " + PARSE_TABLE[i][0] + " -> " + got);
      expect(got).toBe(PARSE_TABLE[i][1]);
    }
  });

  it("reads everyday numbers to the nearest f64", () => {
    expect(parseDouble(IN, put(IN, "10.5"))).toBe(true);
    expect(parsedF64).toBe(10.5);
    expect(parseDouble(IN, put(IN, "0.1"))).toBe(true);
    expect(parsedF64).toBe(0.1);
    expect(parseDouble(IN, put(IN, "1e308"))).toBe(true);
    expect(parsedF64).toBe(1e308);
    expect(parseDouble(IN, put(IN, "-0"))).toBe(true);
    expect(1 / parsedF64).toBe(-Infinity);
  });

  it("rejects an embedded NUL like Redis (strtod stops there)", () => {
    put(IN, "1x2");
    store<u8>(IN + 1, 0);
    expect(parseDouble(IN, 3)).toBe(false);
  });

  it("resolves a decimal exactly halfway between two doubles to even, and just above it up", () => {
    // 2^53 + 1 is halfway between 2^53 and 2^53 + 2.
    expect(parseDouble(IN, put(IN, "9007199254740993"))).toBe(true);
    expect(parsedF64).toBe(9007199254740992.0);
    expect(parseDouble(IN, put(IN, "9007199254740993.0000000000000000000000001"))).toBe(true);
    expect(parsedF64).toBe(9007199254740994.0);
  });
});

describe("parseLongDouble (string2ld)", () => {
  it("accepts and rounds exactly as strtold under Redis's checks", () => {
    for (let i = 0; i < PARSE_TABLE.length; i++) {
      const got = resultOf(parseLongDouble(IN, put(IN, PARSE_TABLE[i][0])));
      if (got != PARSE_TABLE[i][2]) log<string>("parseLongDouble " + PARSE_TABLE[i][0] + " -> " + got);
      expect(got).toBe(PARSE_TABLE[i][2]);
    }
  });

  it("refuses texts of 5120 bytes or more (Redis's buffer)", () => {
    for (let i = 0; i < 5119; i++) store<u8>(IN + <usize>i, 0x30);
    store<u8>(IN + 5118, 0x31);
    expect(parseLongDouble(IN, 5119)).toBe(true);
    store<u8>(IN + 5119, 0x31);
    expect(parseLongDouble(IN, 5120)).toBe(false);
  });

  it("keeps long double range beyond f64 (1e400 reads as Infinity in parsedF64)", () => {
    expect(parseLongDouble(IN, put(IN, "1e400"))).toBe(true);
    expect(parsedF64).toBe(Infinity);
  });
});

describe("INCRBYFLOAT through the software long double", () => {
  it("replies exactly what redis-server replied", () => {
    for (let i = 0; i < INCR_TABLE.length; i++) {
      const got = incrbyfloat(INCR_TABLE[i][0], INCR_TABLE[i][1]);
      if (got != INCR_TABLE[i][2]) log<string>("incrbyfloat " + INCR_TABLE[i][0] + " " + INCR_TABLE[i][1] + " -> " + got);
      expect(got).toBe(INCR_TABLE[i][2]);
    }
  });

  it("converts f64 slots exactly both ways", () => {
    expect(LD_SLOT_SIZE).toBe(16);
    const values: f64[] = [0.1, -2.5, 5e-324, 1.7976931348623157e308, 1e-310, 123456789.125];
    for (let i = 0; i < values.length; i++) {
      ldFromF64(A, values[i]);
      expect(ldToF64(A)).toBe(values[i]);
    }
    ldFromF64(A, Infinity);
    expect(ldIsFinite(A)).toBe(false);
  });

  it("adds opposite infinities to NaN", () => {
    ldFromF64(A, Infinity);
    ldFromF64(B, -Infinity);
    ldAdd(A, A, B);
    expect(ldIsFinite(A)).toBe(false);
    expect(text(formatHumanLd(OUT, A))).toBe("nan");
  });
});

describe("formatDouble17g", () => {
  it("prints ZSCORE replies exactly as redis-server did", () => {
    for (let i = 0; i < SCORE_TABLE.length; i++) {
      expect(parseDouble(IN, put(IN, SCORE_TABLE[i][0]))).toBe(true);
      const got = text(formatDouble17g(OUT, parsedF64));
      if (got != SCORE_TABLE[i][1]) log<string>("%.17g " + SCORE_TABLE[i][0] + " -> " + got);
      expect(got).toBe(SCORE_TABLE[i][1]);
    }
  });

  it("matches C's %.17g on zero, NaN and exponent layout", () => {
    expect(text(formatDouble17g(OUT, 0.0))).toBe("0");
    expect(text(formatDouble17g(OUT, -0.0))).toBe("-0");
    expect(text(formatDouble17g(OUT, NaN))).toBe("nan");
    expect(text(formatDouble17g(OUT, 1e-4))).toBe("0.0001");
    expect(text(formatDouble17g(OUT, 1e-5))).toBe("1.0000000000000001e-05");
    expect(text(formatDouble17g(OUT, 1e200))).toBe("9.9999999999999997e+199");
    expect(text(formatDouble17g(OUT, 0.5))).toBe("0.5");
    expect(text(formatDouble17g(OUT, 1.0e16))).toBe("10000000000000000");
  });
});

describe("formatHumanLongDouble (f64 approximation of INCRBYFLOAT's reply)", () => {
  it("prints shortest digits in fixed notation", () => {
    expect(text(formatHumanLongDouble(OUT, 10.6))).toBe("10.6");
    expect(text(formatHumanLongDouble(OUT, 1e20))).toBe("100000000000000000000");
    expect(text(formatHumanLongDouble(OUT, 1.5e-7))).toBe("0.00000015");
    expect(text(formatHumanLongDouble(OUT, 3.0))).toBe("3");
    expect(text(formatHumanLongDouble(OUT, -2.25))).toBe("-2.25");
    expect(text(formatHumanLongDouble(OUT, 17179869185.5))).toBe("17179869185.5");
    expect(text(formatHumanLongDouble(OUT, 0.1))).toBe("0.1");
  });

  it("drops what is below 10^-17 and never prints -0", () => {
    expect(text(formatHumanLongDouble(OUT, -0.0))).toBe("0");
    expect(text(formatHumanLongDouble(OUT, 1e-20))).toBe("0");
    expect(text(formatHumanLongDouble(OUT, -1e-20))).toBe("0");
    expect(text(formatHumanLongDouble(OUT, 1.234567e-15))).toBe("0.00000000000000123");
    expect(text(formatHumanLongDouble(OUT, 6e-18))).toBe("0.00000000000000001");
  });

  it("spells infinities and NaN like Redis", () => {
    expect(text(formatHumanLongDouble(OUT, Infinity))).toBe("inf");
    expect(text(formatHumanLongDouble(OUT, -Infinity))).toBe("-inf");
    expect(text(formatHumanLongDouble(OUT, NaN))).toBe("nan");
  });
});

describe("formatShortestDouble", () => {
  it("prints the shortest round-trip text in JavaScript's layout", () => {
    expect(text(formatShortestDouble(OUT, 0.1))).toBe("0.1");
    expect(text(formatShortestDouble(OUT, 100.0))).toBe("100");
    expect(text(formatShortestDouble(OUT, 1e21))).toBe("1e+21");
    expect(text(formatShortestDouble(OUT, 1.5e-7))).toBe("1.5e-7");
    expect(text(formatShortestDouble(OUT, 0.000001))).toBe("0.000001");
    expect(text(formatShortestDouble(OUT, -123.456))).toBe("-123.456");
    expect(text(formatShortestDouble(OUT, 0.30000000000000004))).toBe("0.30000000000000004");
    expect(text(formatShortestDouble(OUT, 5e-324))).toBe("5e-324");
    expect(text(formatShortestDouble(OUT, 1.7976931348623157e308))).toBe("1.7976931348623157e+308");
    expect(text(formatShortestDouble(OUT, 0.0))).toBe("0");
    expect(text(formatShortestDouble(OUT, -0.0))).toBe("0");
    expect(text(formatShortestDouble(OUT, -Infinity))).toBe("-inf");
    expect(text(formatShortestDouble(OUT, NaN))).toBe("nan");
  });

  it("round-trips through parseDouble", () => {
    const values: f64[] = [0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 123456789012345680000.0, 5e-324, Math.PI];
    for (let i = 0; i < values.length; i++) {
      const n = formatShortestDouble(OUT, values[i]);
      expect(parseDouble(OUT, n)).toBe(true);
      expect(parsedF64).toBe(values[i]);
    }
  });
});

describe("parseStrtod (zslParseRange's strtod)", () => {
  it("reads what strtod reads and refuses what Redis's range check refuses", () => {
    const ok = ["5", " 5", "\t\n-2.5", "", "1e400", "-1e400", "1e-400", "-1e-400", "0x10", "inf", "-Infinity", "+3"];
    const values: f64[] = [5, 5, -2.5, 0, Infinity, -Infinity, 0, -0.0, 16, Infinity, -Infinity, 3];
    for (let i = 0; i < ok.length; i++) {
      expect(parseStrtod(IN, put(IN, ok[i]))).toBe(true);
      expect(parsedF64).toBe(values[i]);
    }
    expect(parseStrtod(IN, put(IN, "1e-400"))).toBe(true);
    expect(1 / parsedF64).toBe(Infinity);
    expect(parseStrtod(IN, put(IN, "-1e-400"))).toBe(true);
    expect(1 / parsedF64).toBe(-Infinity);
    // Text ends at the first NUL byte, as in C.
    expect(parseStrtod(IN, put(IN, "7\x00junk"))).toBe(true);
    expect(parsedF64).toBe(7);
    expect(parseStrtod(IN, put(IN, "\x00junk"))).toBe(true);
    expect(parsedF64).toBe(0);
    const bad = ["  ", "5 ", "nan", "-nan", "+", "-", ".", "abc", "1e", "5x", "--1", " "];
    for (let i = 0; i < bad.length; i++) expect(parseStrtod(IN, put(IN, bad[i]))).toBe(false);
  });
});
