// Redis's error replies, byte for byte, as shared constants: a handler never retypes an error text.
// Texts are stored without the leading '-' and trailing CRLF (resp/writer.ts adds them).
import { Lit } from "../util/mem";

export const ERR_SYNTAX = new Lit("ERR syntax error");
export const ERR_NOT_INT = new Lit("ERR value is not an integer or out of range");
export const ERR_NOT_FLOAT = new Lit("ERR value is not a valid float");
export const ERR_WRONGTYPE = new Lit("WRONGTYPE Operation against a key holding the wrong kind of value");
export const ERR_NO_KEY = new Lit("ERR no such key");
export const ERR_OVERFLOW = new Lit("ERR increment or decrement would overflow");
export const ERR_NAN_INF = new Lit("ERR increment would produce NaN or Infinity");
export const ERR_INVALID_EXPIRE = new Lit("ERR invalid expire time in '%s' command");
export const ERR_STRING_TOO_LONG = new Lit("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
export const ERR_OFFSET_RANGE = new Lit("ERR offset is out of range");
export const ERR_DB_INDEX = new Lit("ERR DB index is out of range");
export const ERR_SELECT_NOT_ALLOWED = new Lit("ERR SELECT is not allowed in cluster mode");
export const ERR_PROTO_MULTIBULK = new Lit("ERR Protocol error: invalid multibulk length");
export const ERR_PROTO_BULK = new Lit("ERR Protocol error: invalid bulk length");
export const ERR_PROTO_BIG_MBULK = new Lit("ERR Protocol error: too big mbulk count string");
export const ERR_PROTO_BIG_BULK = new Lit("ERR Protocol error: too big bulk count string");
export const ERR_PROTO_BIG_INLINE = new Lit("ERR Protocol error: too big inline request");
export const ERR_PROTO_QUOTES = new Lit("ERR Protocol error: unbalanced quotes in request");
export const ERR_PROTO_EXPECTED_DOLLAR = new Lit("ERR Protocol error: expected '$', got '");
// Key commands (commands/keys*.ts); the cursor error is shared with HSCAN, SSCAN and ZSCAN.
export const ERR_INVALID_CURSOR = new Lit("ERR invalid cursor");
export const ERR_EXPIRE_NX_AND = new Lit("ERR NX and XX, GT or LT options at the same time are not compatible");
export const ERR_EXPIRE_GT_AND_LT = new Lit("ERR GT and LT options at the same time are not compatible");
/** Followed by the option, as a C string (commands/keys-args.ts replyErrorWithArg). */
export const ERR_UNSUPPORTED_OPTION = new Lit("ERR Unsupported option ");
export const ERR_LFU_NOT_SELECTED = new Lit("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
// Server commands (commands/server.ts, client.ts, config.ts, command-info.ts, cluster.ts). A text ending
// in a quote is followed by an argument and a closing quote (commands/report-text.ts replyErrorQuoting).
export const ERR_CLIENT_NAME = new Lit("ERR Client names cannot contain spaces, newlines or special characters.");
export const ERR_NO_SUCH_CLIENT = new Lit("ERR No such client");
export const ERR_INVALID_CLIENT_ID = new Lit("ERR Invalid client ID");
export const ERR_CLIENT_ID_RANGE = new Lit("ERR client-id should be greater than 0");
export const ERR_UNKNOWN_CLIENT_TYPE = new Lit("ERR Unknown client type '");
export const ERR_NO_SUCH_USER = new Lit("ERR No such user '");
export const ERR_CONFIG_SET_UNKNOWN = new Lit("ERR Unknown option or number of arguments for CONFIG SET - '");
export const ERR_CONFIG_SET_FAILED = new Lit("ERR CONFIG SET failed (possibly related to argument '");
export const ERR_NO_CONFIG_FILE = new Lit("ERR The server is running without a config file");
export const ERR_INVALID_COMMAND = new Lit("ERR Invalid command specified");
export const ERR_NO_KEY_ARGUMENTS = new Lit("ERR The command has no key arguments");
export const ERR_GETKEYS_ARITY = new Lit("ERR Invalid number of arguments specified for command");
export const ERR_GETKEYS_INVALID = new Lit("ERR Invalid arguments specified for command");
export const ERR_CLUSTER_DISABLED = new Lit("ERR This instance has cluster support disabled");
// List commands (commands/lists*.ts).
export const ERR_INDEX_RANGE = new Lit("ERR index out of range");
export const ERR_MUST_BE_POSITIVE = new Lit("ERR value is out of range, must be positive");
export const ERR_LPOS_RANK_ZERO = new Lit("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
export const ERR_LPOS_COUNT_NEGATIVE = new Lit("ERR COUNT can't be negative");
export const ERR_LPOS_MAXLEN_NEGATIVE = new Lit("ERR MAXLEN can't be negative");
export const ERR_NUMKEYS_POSITIVE = new Lit("ERR numkeys should be greater than 0");
export const ERR_COUNT_POSITIVE = new Lit("ERR count should be greater than 0");
// Set commands (commands/sets*.ts).
export const ERR_NUMKEYS_TOO_MANY = new Lit("ERR Number of keys can't be greater than number of args");
export const ERR_LIMIT_NEGATIVE = new Lit("ERR LIMIT can't be negative");
export const ERR_SRANDMEMBER_RANGE = new Lit("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
// Hash commands (commands/hashes*.ts).
export const ERR_HASH_NOT_INT = new Lit("ERR hash value is not an integer");
export const ERR_HASH_NOT_FLOAT = new Lit("ERR hash value is not a float");
export const ERR_VALUE_NAN_INF = new Lit("ERR value is NaN or Infinity");
export const ERR_VALUE_OUT_OF_RANGE = new Lit("ERR value is out of range");
export const ERR_RANDFIELD_COUNT_RANGE = new Lit("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
// Sorted set commands (commands/zset*.ts).
export const ERR_ZADD_XX_NX = new Lit("ERR XX and NX options at the same time are not compatible");
export const ERR_ZADD_GT_LT_NX = new Lit("ERR GT, LT, and/or NX options at the same time are not compatible");
export const ERR_ZADD_INCR_PAIR = new Lit("ERR INCR option supports a single increment-element pair");
export const ERR_SCORE_NAN = new Lit("ERR resulting score is not a number (NaN)");
export const ERR_MIN_MAX_FLOAT = new Lit("ERR min or max is not a float");
export const ERR_MIN_MAX_LEX = new Lit("ERR min or max not valid string range item");
export const ERR_LIMIT_RANK = new Lit("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
export const ERR_WITHSCORES_BYLEX = new Lit("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
export const ERR_WEIGHT_FLOAT = new Lit("ERR weight value is not a float");
export const ERR_OUT_OF_RANGE = new Lit("ERR value is out of range");
/** Followed by the command's name and "' command" (commands/zset-algebra.ts). */
export const ERR_AT_LEAST_ONE_KEY = new Lit("ERR at least 1 input key is needed for '");
// Stream commands (commands/streams*.ts). A text ending in a quote is followed by an argument.
export const ERR_STREAM_ID = new Lit("ERR Invalid stream ID specified as stream command argument");
export const ERR_XADD_ID_SMALL = new Lit("ERR The ID specified in XADD is equal or smaller than the target stream top item");
export const ERR_XADD_ID_ZERO = new Lit("ERR The ID specified in XADD must be greater than 0-0");
export const ERR_STREAM_EXHAUSTED = new Lit("ERR The stream has exhausted the last possible ID, unable to add more items");
export const ERR_MAXLEN_AND_MINID = new Lit("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
export const ERR_MAXLEN_NEGATIVE = new Lit("ERR The MAXLEN argument must be >= 0.");
export const ERR_XTRIM_LIMIT_NEGATIVE = new Lit("ERR The LIMIT argument must be >= 0.");
export const ERR_LIMIT_NO_STRATEGY = new Lit("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
export const ERR_XTRIM_NO_STRATEGY = new Lit("ERR syntax error, XTRIM must be called with a trimming strategy");
export const ERR_LIMIT_NO_APPROX = new Lit("ERR syntax error, LIMIT cannot be used without the special ~ option");
export const ERR_START_INTERVAL = new Lit("ERR invalid start ID for the interval");
export const ERR_END_INTERVAL = new Lit("ERR invalid end ID for the interval");
export const ERR_ENTRIES_ADDED_POSITIVE = new Lit("ERR entries_added must be positive");
export const ERR_XSETID_BELOW_GIVEN_MAXDEL = new Lit("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
export const ERR_XSETID_BELOW_TOP = new Lit("ERR The ID specified in XSETID is smaller than the target stream top item");
export const ERR_XSETID_ENTRIES_ADDED = new Lit("ERR The entries_added specified in XSETID is smaller than the target stream length");
export const ERR_XGROUP_NEEDS_KEY = new Lit("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
export const ERR_BUSYGROUP = new Lit("BUSYGROUP Consumer Group name already exists");
export const ERR_ENTRIESREAD = new Lit("ERR value for ENTRIESREAD must be positive or -1");
export const ERR_NOGROUP_GROUP = new Lit("NOGROUP No such consumer group '");
export const ERR_NOGROUP_KEY = new Lit("NOGROUP No such key '");
export const ERR_XREAD_UNBALANCED = new Lit("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
export const ERR_XREAD_GT = new Lit("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
export const ERR_XREADGROUP_DOLLAR = new Lit("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
export const ERR_XREAD_GROUP = new Lit("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
export const ERR_XREADGROUP_MISSING_GROUP = new Lit("ERR Missing GROUP option for XREADGROUP");
export const ERR_TIMEOUT_NOT_INT = new Lit("ERR timeout is not an integer or out of range");
export const ERR_TIMEOUT_NEGATIVE = new Lit("ERR timeout is negative");
export const ERR_BLOCK_NOT_SUPPORTED = new Lit("ERR BLOCK is not supported yet");
export const ERR_XCLAIM_MIN_IDLE = new Lit("ERR Invalid min-idle-time argument for XCLAIM");
export const ERR_XCLAIM_IDLE = new Lit("ERR Invalid IDLE option argument for XCLAIM");
export const ERR_XCLAIM_TIME = new Lit("ERR Invalid TIME option argument for XCLAIM");
export const ERR_XCLAIM_RETRYCOUNT = new Lit("ERR Invalid RETRYCOUNT option argument for XCLAIM");
export const ERR_XCLAIM_OPTION = new Lit("ERR Unrecognized XCLAIM option '");
export const ERR_XAUTOCLAIM_MIN_IDLE = new Lit("ERR Invalid min-idle-time argument for XAUTOCLAIM");
export const ERR_XAUTOCLAIM_COUNT = new Lit("ERR COUNT must be > 0");
export const ERR_XAUTOCLAIM_MEMORY = new Lit("ERR Insufficient memory, failed allocating transient memory, COUNT too high.");
export const ERR_SUBCOMMAND_SYNTAX = new Lit("ERR unknown subcommand or wrong number of arguments for '");
export const ERR_XREAD_NOACK = new Lit("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
