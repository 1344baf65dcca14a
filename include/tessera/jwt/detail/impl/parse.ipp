#pragma once
// The bodies of jwt/detail/parse.hpp, which read JSON with simdjson (see TESSERA_DECL in
// config.hpp).

#include <simdjson.h>

#include "tessera/jwt/detail/parse.hpp"

namespace tessera::jwt::detail {

// Per-thread decode buffers (padded for simdjson) and parsers sized for the largest token.
struct thread_state {
  static constexpr std::size_t cap = config::max_token_size;
  char header_buf[cap + simdjson::SIMDJSON_PADDING];
  char payload_buf[cap + simdjson::SIMDJSON_PADDING];
  simdjson::dom::parser header_parser{cap};
  simdjson::dom::parser claims_parser{cap};
  name_set<max_claim_members> seen;
  // What the claims walk found, for the pass that writes the token (see token_builder).
  struct claim_item {
    claim_item() = default;
    // Built in place by emplace_back: a temporary's copy would reload what was just stored.
    claim_item(std::string_view n, std::string_view t, std::int64_t x, std::uint8_t k, std::uint8_t s) noexcept
        : name(n), text(t), number(x), kind(k), slot(s) {}
    std::string_view name, text;  // text: a string value (views into the claims text or a parser)
    std::int64_t number = 0;      // an integer or boolean value
    std::uint8_t kind = 0;        // verified_token::value_kind of a table entry
    std::uint8_t slot = 0;        // 0: a table entry; else which registered member (token_builder::slot)
  };
  std::vector<claim_item> items;  // the DOM walk's list
  // The fast walk's list: a fixed array, so that its length stays in a register.
  static constexpr std::size_t max_flat_items = 64;
  std::array<claim_item, max_flat_items> flat;
  // Memo of headers parsed on this thread (tokens of one issuer and key share their header; a key
  // set with many keys in use has many): the exact base64url text and what it parsed to, in a
  // two-way set-associative table indexed by a hash of the text, the way used less recently
  // replaced. 128 entries, so that traffic over dozens of kids parses each header once (with
  // 16, 64 kids in turn missed every time). Only crit-free headers of at most 192 characters,
  // with a kid of at most 128 bytes and a typ of at most 32, are memoised (about 46 KiB a thread).
  struct header_memo {
    std::size_t len = 0;
    char text[192];
    jwt::alg algorithm{};
    bool has_kid = false;
    std::uint16_t kid_len = 0, typ_len = 0;
    char kid[128];
    char typ[32];
  };
  struct header_memo_set {
    std::array<header_memo, 2> way;
    std::uint8_t victim = 0;  // the way to replace next: the one used less recently
  };
  static constexpr std::size_t memo_sets = 64;  // a power of two
  std::array<header_memo_set, memo_sets> memo;
  bool ready = false;
};

inline thread_state* state() noexcept {
  // A constant-initialised pointer is read without a call to the initialisation wrapper that a
  // thread_local with a constructor needs; the state itself is touched once per thread.
  thread_local thread_state* fast = nullptr;
  if (fast) [[likely]] return fast;
  thread_local thread_state st;
  if (!st.ready) {
    if (st.header_parser.allocate(thread_state::cap, config::max_json_depth) != simdjson::SUCCESS ||
        st.claims_parser.allocate(thread_state::cap, config::max_json_depth) != simdjson::SUCCESS)
      return nullptr;
    std::memset(st.header_buf, 0, sizeof st.header_buf);
    std::memset(st.payload_buf, 0, sizeof st.payload_buf);
    st.ready = true;
  }
  fast = &st;
  return fast;
}

// Decodes a base64url segment into a padded buffer and parses it as a JSON object.
inline result<simdjson::dom::object> decode_object(std::string_view b64, char* buf, simdjson::dom::parser& parser) noexcept {
  auto n = core::base64url_decode_into(
      b64, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(buf), thread_state::cap));
  if (!n) return unexpected{errc::token_malformed};
  std::memset(buf + *n, 0, simdjson::SIMDJSON_PADDING);
  simdjson::dom::element root;
  if (parser.parse(buf, *n, false).get(root) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
  return obj;
}

template <bool Unencoded>
TESSERA_DECL result<header_fields> parse_header(std::string_view b64, std::span<const std::string> understood_crit) noexcept {
  thread_state* st = state();
  if (!st) return unexpected{errc::internal_error};
  auto& set = st->memo[std::hash<std::string_view>{}(b64) & (thread_state::memo_sets - 1)];
  for (std::uint8_t w = 0; w < 2; ++w) {
    const auto& m = set.way[w];
    if (m.len == 0 || m.len != b64.size() || std::memcmp(m.text, b64.data(), b64.size()) != 0) continue;
    set.victim = static_cast<std::uint8_t>(1 - w);
    // Built in the result itself: a copy would reload, 16 bytes at a time, what was just stored.
    return result<header_fields>(core::from_call, [&]() noexcept {
      header_fields h;
      h.algorithm = m.algorithm;
      if (m.has_kid) h.kid = std::string_view(m.kid, m.kid_len);
      h.typ = std::string_view(m.typ, m.typ_len);
      return h;
    });
  }
  auto& m = set.way[set.victim];
  auto obj = decode_object(b64, st->header_buf, st->header_parser);
  if (!obj) return unexpected{obj.error()};
  header_fields h;
  bool have_alg = false, alg_known = false;
  name_set<max_header_members> names;
  simdjson::dom::array crit;
  bool have_crit = false;
  for (auto field : *obj) {
    std::string_view k = field.key;
    if (names.full()) return unexpected{errc::token_malformed};
    const std::uint64_t fp = name_fingerprint(k);
    if (!names.insert(k, fp)) return unexpected{errc::token_malformed};  // duplicate member
    simdjson::dom::element v = field.value;
    if (fp == literal_fingerprint("alg") && k == "alg") {
      std::string_view a;
      if (v.get_string().get(a) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
      have_alg = true;
      if (auto id = alg_from_name(a)) {
        h.algorithm = *id;
        alg_known = true;
      }
    } else if (fp == literal_fingerprint("kid") && k == "kid") {
      std::string_view kid;
      if (v.get_string().get(kid) != simdjson::SUCCESS || kid.size() > max_kid_length)
        return unexpected{errc::token_malformed};
      h.kid = kid;
    } else if (fp == literal_fingerprint("typ") && k == "typ") {
      if (v.get_string().get(h.typ) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
    } else if (fp == literal_fingerprint("crit") && k == "crit") {
      if (v.get_array().get(crit) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
      have_crit = true;
    } else if (fp == literal_fingerprint("cty") && k == "cty") {
      if (v.get_string().get(h.cty) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
    } else if (fp == literal_fingerprint("b64") && k == "b64") {
      if (v.get_bool().get(h.b64) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
      if (!h.b64 && (!Unencoded || std::find(understood_crit.begin(), understood_crit.end(), "b64") == understood_crit.end()))
        return unexpected{errc::unsupported_critical_header};  // RFC 7797 payloads only for a caller that opts in
    }
  }
  if (!have_alg) return unexpected{errc::token_malformed};
  if (!alg_known) return unexpected{errc::algorithm_not_allowed};
  if (have_crit) {
    if (crit.size() == 0) return unexpected{errc::token_malformed};
    bool b64_critical = false;
    for (auto e : crit) {
      std::string_view n;
      if (e.get_string().get(n) != simdjson::SUCCESS || n.empty() || is_registered_header(n))
        return unexpected{errc::token_malformed};
      if (!names.contains(n, name_fingerprint(n))) return unexpected{errc::token_malformed};
      bool understood = false;
      for (auto& u : understood_crit) understood = understood || u == n;
      if (!understood) return unexpected{errc::unsupported_critical_header};
      b64_critical = b64_critical || n == "b64";
    }
    if (!h.b64 && !b64_critical) return unexpected{errc::token_malformed};  // RFC 7797 §6: b64 must be critical
  } else if (!h.b64) {
    return unexpected{errc::token_malformed};
  } else if (h.cty.empty() && b64.size() <= sizeof m.text && (!h.kid || h.kid->size() <= sizeof m.kid) && h.typ.size() <= sizeof m.typ) {
    // Memoise this header for the next token on this thread, in the way used less recently.
    set.victim = static_cast<std::uint8_t>(1 - set.victim);
    m.len = 0;
    std::memcpy(m.text, b64.data(), b64.size());
    m.algorithm = h.algorithm;
    m.has_kid = h.kid.has_value();
    m.kid_len = static_cast<std::uint16_t>(h.kid ? h.kid->size() : 0);
    if (h.kid) std::memcpy(m.kid, h.kid->data(), h.kid->size());
    m.typ_len = static_cast<std::uint16_t>(h.typ.size());
    if (!h.typ.empty()) std::memcpy(m.typ, h.typ.data(), h.typ.size());  // no typ: a null view, which memcpy must not get
    m.len = b64.size();
  }
  return h;
}

#if defined(TESSERA_SEPARATE_COMPILATION)
template result<header_fields> parse_header<false>(std::string_view, std::span<const std::string>) noexcept;
template result<header_fields> parse_header<true>(std::string_view, std::span<const std::string>) noexcept;
#endif

// What token_builder::build runs (see token_builder in parse.hpp).
struct token_builder::impl {
  using kind = verified_token::value_kind;
  using item = thread_state::claim_item;
  using reader = token_builder::reader;
  static constexpr std::size_t max_table_size = token_builder::max_table_size;

  // A registered NumericDate: a JSON integer in [0, max_numeric_date].
  static result<std::int64_t> numeric_date(simdjson::dom::element v) noexcept {
    std::int64_t x;
    if (v.type() != simdjson::dom::element_type::INT64 || v.get_int64().get(x) != simdjson::SUCCESS)
      return unexpected{errc::invalid_claim};
    if (x < 0 || x > max_numeric_date) return unexpected{errc::invalid_claim};
    return x;
  }


  // Registered string claims kept in typed members rather than in the table.
  enum slot : std::uint8_t { table = 0, iss, sub, jti, aud };
  static constexpr std::uint64_t f_exp = literal_fingerprint("exp"), f_nbf = literal_fingerprint("nbf"),
                                 f_iat = literal_fingerprint("iat"), f_iss = literal_fingerprint("iss"),
                                 f_sub = literal_fingerprint("sub"), f_jti = literal_fingerprint("jti"),
                                 f_aud = literal_fingerprint("aud");
  // Most scratch-list entries (claims plus array elements) before the table is too large anyway.
  static constexpr std::size_t max_items = max_table_size / verified_token::record_size;
  // Most members the fast walk reads; larger objects go to the DOM walk.
  static constexpr std::size_t max_flat_members = 32;

  static slot string_slot(std::uint64_t fp) noexcept {
    return fp == f_aud ? aud : fp == f_iss ? iss : fp == f_sub ? sub : jti;
  }

  static result<verified_token> build_impl(jwt::alg a, const header_fields& h, std::string_view payload_b64, reader r) {
    // Built in the result itself and returned by name (one return statement): the token's inline
    // bytes are never copied to another place.
    result<verified_token> out(core::from_call, [] { return verified_token(); });
    const errc e = [&] {
      thread_state* st = state();
      if (!st) return errc::internal_error;
      char* const text = st->payload_buf;
      auto n = core::base64url_decode_into(
          payload_b64, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(text), thread_state::cap));
      if (!n) return errc::token_malformed;
      static_assert(simdjson::SIMDJSON_PADDING >= flat_json::padding);
      std::memset(text + *n, 0, simdjson::SIMDJSON_PADDING);
      verified_token& t = *out;
      t.alg_ = a;
      // The fast walk reads strings straight from the text, so it takes only text with no escape.
      std::size_t flat_count = 0;
      const bool fast = r == reader::any && fast_walk(text, *n, st, t, flat_count);
      if (!fast) {
        t.exp_ = t.nbf_ = t.iat_ = std::nullopt;
        t.present_ = 0;
        simdjson::dom::element root;
        simdjson::dom::object obj;
        if (st->claims_parser.parse(text, *n, false).get(root) != simdjson::SUCCESS ||
            root.get_object().get(obj) != simdjson::SUCCESS)
          return errc::token_malformed;
        if (auto w = walk(obj, st, t); !w) return w.error();
      }
      const std::span<const item> items =
          fast ? std::span<const item>(st->flat.data(), flat_count) : std::span<const item>(st->items);
      if (auto w = emit(t, std::string_view(text, *n), h, items, fast); !w) return w.error();
      return errc::none_;
    }();
    if (e != errc::none_) out = unexpected{e};
    return out;
  }

  // Writes the token's storage from the scratch list: the claims text, the strings that are not
  // in it (the header's kid and typ and, unless in_text, every string of the list: the DOM walk's
  // views point into its parser, the fast walk's into the claims text), then the table.
  static result<void> emit(verified_token& t, std::string_view claims, const header_fields& h, std::span<const item> items,
                           bool in_text) {
    std::size_t extra = (h.kid ? h.kid->size() : 0) + h.typ.size(), records = 0;
    for (const item& it : items) {
      records += it.slot == table ? 1 : 0;
      if (!in_text) extra += (it.slot == table ? it.name.size() : 0) + it.text.size();
    }
    if (records * verified_token::record_size + extra > max_table_size) return unexpected{errc::token_malformed};
    const std::size_t table_off = claims.size() + extra;
    char* const base = t.data_.allocate(table_off + records * verified_token::record_size);  // every byte written below
    if (!claims.empty()) std::memcpy(base, claims.data(), claims.size());
    t.payload_len_ = static_cast<std::uint32_t>(claims.size());
    t.table_off_ = static_cast<std::uint32_t>(table_off);
    char* p = base + claims.size();
    auto copy_in = [&](std::string_view v) -> verified_token::span {
      if (v.empty()) return {};
      const verified_token::span s{static_cast<std::uint32_t>(p - base), static_cast<std::uint32_t>(v.size())};
      std::memcpy(p, v.data(), v.size());
      p += v.size();
      return s;
    };
    // Where an item's string is in the token: in the claims text, or copied after it.
    auto place = [&](std::string_view v) -> verified_token::span {
      if (!in_text || v.empty()) return copy_in(v);
      return {static_cast<std::uint32_t>(v.data() - claims.data()), static_cast<std::uint32_t>(v.size())};
    };
    if (h.kid) t.kid_ = copy_in(*h.kid);
    t.typ_ = copy_in(h.typ);
    char* q = base + table_off;
    for (const item& it : items) {
      if (it.slot != table) {
        const verified_token::span sp = place(it.text);
        switch (it.slot) {
          case iss: t.iss_ = sp, t.present_ |= verified_token::has_iss; break;
          case sub: t.sub_ = sp, t.present_ |= verified_token::has_sub; break;
          case jti: t.jti_ = sp, t.present_ |= verified_token::has_jti; break;
          default: t.aud_ = sp, t.present_ |= verified_token::has_aud; break;
        }
        continue;
      }
      const verified_token::span name = place(it.name);
      const auto k = static_cast<kind>(it.kind);
      const verified_token::span text = k == kind::integer || k == kind::boolean ? verified_token::span{} : place(it.text);
      verified_token::write_record(q, name, k, it.number, text);
      q += verified_token::record_size;
    }
    return core::ok();
  }

  // The fast walk's visitor of flat_json::scan: records each member in st->flat, and stops the
  // scan (false) wherever the DOM walk must decide: a duplicate name, a registered claim of the
  // wrong type or range, too many members or values, a name longer than a record holds.
  struct flat_reader {
    item* const items;
    verified_token& t;
    std::size_t count = 0;
    name_set<max_flat_members> seen;
    std::uint64_t array_fp = 0;  // the open array's name
    std::string_view array_name;
    std::size_t array_first = 0;

    flat_reader(item* scratch, verified_token& token) noexcept : items(scratch), t(token) {}

    // Appends one item to the scratch list; false when the list is full.
    bool add(std::string_view name, std::string_view s, std::int64_t x, kind k, std::uint8_t sl) noexcept {
      if (count == thread_state::max_flat_items) return false;
      item& it = items[count++];
      it.name = name, it.text = s, it.number = x, it.kind = static_cast<std::uint8_t>(k), it.slot = sl;
      return true;
    }
    // Returned by name() to stop the scan; no fingerprint is this large.
    static constexpr std::uint64_t stop = ~std::uint64_t{0};
    // Records a member name and gives its fingerprint, or `stop`: a duplicate, too many members,
    // too long a name. (A bool with the fingerprint in an out-parameter measured ~4% slower per
    // verification.)
    std::uint64_t name(std::string_view k) noexcept {
      if (seen.full() || k.size() > 0xffff) return stop;
      const std::uint64_t fp = name_fingerprint(k);
      return seen.insert(k, fp) ? fp : stop;
    }
    static bool is_date(std::uint64_t fp) noexcept { return fp == f_exp || fp == f_nbf || fp == f_iat; }
    static bool is_string_claim(std::uint64_t fp) noexcept { return fp == f_iss || fp == f_sub || fp == f_jti || fp == f_aud; }

    bool member(std::string_view k, flat_json::scalar type, std::string_view s, std::int64_t x) noexcept {
      const std::uint64_t fp = name(k);
      if (fp == stop) return false;
      switch (type) {
        case flat_json::scalar::integer:
          if (is_date(fp)) {
            if (x < 0 || x > max_numeric_date) return false;
            (fp == f_exp ? t.exp_ : fp == f_nbf ? t.nbf_ : t.iat_) = x;
            return true;
          }
          return !is_string_claim(fp) && add(k, std::string_view{}, x, kind::integer, table);
        case flat_json::scalar::string:
          if (is_date(fp)) return false;
          return add(k, s, 0, kind::string, is_string_claim(fp) ? string_slot(fp) : table);
        case flat_json::scalar::boolean:
          return !is_date(fp) && !is_string_claim(fp) && add(k, std::string_view{}, x, kind::boolean, table);
        default:  // null, or a nested object or array (its text is not kept: claim_json reads it)
          return !is_date(fp) && !is_string_claim(fp) && add(k, std::string_view{}, 0, kind::other, table);
      }
    }
    bool array(std::string_view k) noexcept {
      const std::uint64_t fp = name(k);
      if (fp == stop) return false;
      if (is_date(fp) || fp == f_iss || fp == f_sub || fp == f_jti) return false;
      array_fp = fp, array_name = k, array_first = count;
      return true;
    }
    bool element(std::string_view s) noexcept { return add(array_name, s, 0, kind::string_element, table); }
    bool end_array() noexcept {
      if (count == array_first && !add(array_name, std::string_view{}, 0, kind::empty_list, table)) return false;
      if (array_fp == f_aud) t.present_ |= verified_token::has_aud | verified_token::aud_is_list;
      return true;
    }
  };

  // The fast walk (see above): true when it read the whole claims object into st->flat (its first
  // items_out entries); false to hand over to the DOM walk, which then starts again from scratch.
  static bool fast_walk(const char* text, std::size_t n, thread_state* st, verified_token& t, std::size_t& items_out) noexcept {
    flat_reader r(st->flat.data(), t);
    if (!flat_json::scan(text, n, r)) return false;
    items_out = r.count;
    return true;
  }

  // The DOM walk: checks every claim and records it in st->items. exp, nbf and iat go straight to
  // typed members; iss, sub, jti and a string aud are recorded for typed members; an aud list and
  // every other claim become table entries.
  static result<void> walk(simdjson::dom::object obj, thread_state* st, verified_token& t) {
    auto& items = st->items;
    items.clear();
    auto entry = [&](kind k, std::string_view name, std::string_view text, std::int64_t number) -> result<void> {
      if (items.size() >= max_items) return unexpected{errc::token_malformed};
      items.emplace_back(name, text, number, static_cast<std::uint8_t>(k), table);
      return core::ok();
    };
    st->seen.clear();
    for (auto field : obj) {
      std::string_view k = field.key;
      if (st->seen.full() || k.size() > 0xffff) return unexpected{errc::token_malformed};
      // Registered names are three bytes long, so their fingerprint identifies them exactly.
      const std::uint64_t fp = name_fingerprint(k);
      if (!st->seen.insert(k, fp)) return unexpected{errc::token_malformed};  // duplicate
      simdjson::dom::element v = field.value;
      const bool is_str = fp == f_iss || fp == f_sub || fp == f_jti;
      const bool is_aud = fp == f_aud;
      if (fp == f_exp || fp == f_nbf || fp == f_iat) {
        auto x = numeric_date(v);
        if (!x) return unexpected{x.error()};
        (fp == f_exp ? t.exp_ : fp == f_nbf ? t.nbf_ : t.iat_) = *x;
        continue;
      }
      result<void> added = core::ok();
      switch (v.type()) {
        case simdjson::dom::element_type::STRING: {
          std::string_view s;
          if (v.get_string().get(s) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          if (is_str || is_aud) items.emplace_back(k, s, 0, static_cast<std::uint8_t>(kind::string), string_slot(fp));
          else added = entry(kind::string, k, s, 0);
          break;
        }
        case simdjson::dom::element_type::INT64: {
          if (is_str || is_aud) return unexpected{errc::invalid_claim};
          std::int64_t x = 0;
          if (v.get_int64().get(x) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          added = entry(kind::integer, k, {}, x);
          break;
        }
        case simdjson::dom::element_type::BOOL: {
          if (is_str || is_aud) return unexpected{errc::invalid_claim};
          bool b = false;
          if (v.get_bool().get(b) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          added = entry(kind::boolean, k, {}, b ? 1 : 0);
          break;
        }
        case simdjson::dom::element_type::ARRAY: {
          if (is_str) return unexpected{errc::invalid_claim};
          simdjson::dom::array arr;
          if (v.get_array().get(arr) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
          bool all_strings = true;
          for (auto e : arr) all_strings = all_strings && e.type() == simdjson::dom::element_type::STRING;
          if (!all_strings) {
            if (is_aud) return unexpected{errc::invalid_claim};
            added = entry(kind::other, k, {}, 0);
            break;
          }
          if (is_aud) t.present_ |= verified_token::has_aud | verified_token::aud_is_list;
          if (arr.size() == 0) {
            added = entry(kind::empty_list, k, {}, 0);
            break;
          }
          for (auto e : arr) {
            std::string_view s;
            if (e.get_string().get(s) != simdjson::SUCCESS) return unexpected{errc::token_malformed};
            if (auto r = entry(kind::string_element, k, s, 0); !r) return r;
          }
          break;
        }
        default:  // UINT64 beyond int64, DOUBLE, OBJECT, NULL
          if (is_str || is_aud) return unexpected{errc::invalid_claim};
          added = entry(kind::other, k, {}, 0);
          break;
      }
      if (!added) return added;
    }
    return core::ok();
  }
};

TESSERA_DECL result<verified_token> token_builder::build(jwt::alg a, const header_fields& h, std::string_view payload_b64,
                                                         reader r) noexcept {
  try {
    return impl::build_impl(a, h, payload_b64, r);
  } catch (...) {
    return unexpected{errc::internal_error};
  }
}

}  // namespace tessera::jwt::detail
