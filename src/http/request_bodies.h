// SPDX-License-Identifier: Apache-2.0
// The JSON Schemas of the API's request bodies, as the route table (routes.cc) names them: one
// place for the server's checks (body_schema.cc), the OpenAPI document and the body fuzz target
// (fuzz/body_fuzz.cc), which goes through every schema listed in kRequestBodies. A new route that
// takes a JSON body declares its schema here and lists it there.
#pragma once

#include <string_view>

namespace moat::http {

inline constexpr std::string_view kLoginBody =
    R"({"type": "object", "required": ["name", "password"],
        "properties": {"name": {"type": "string"}, "password": {"type": "string", "format": "password"}}})";
inline constexpr std::string_view kFlagBody =
    R"({"type": "object", "required": ["state", "reason"],
        "properties": {"state": {"enum": ["acknowledged", "resolved", "open"]}, "reason": {"type": "string", "minLength": 1}}})";
inline constexpr std::string_view kAnswerBody =
    R"({"type": "object", "required": ["answer"], "properties": {"answer": {"type": "string", "minLength": 1,
        "description": "what was done about the finding, by whom, with what evidence"}}})";
inline constexpr std::string_view kCloseBody =
    R"({"type": "object", "properties": {"closed_on": {"type": "string", "format": "date",
        "description": "default: today"}}})";
inline constexpr std::string_view kWaiverBody =
    R"json({"type": "object", "required": ["check", "subject", "role", "reason", "expires"],
        "properties": {"check": {"type": "string", "minLength": 1, "description": "a gate check id: owner-visit"},
                       "subject": {"type": "string", "minLength": 1, "description": "the check's subject: supplier/F03"},
                       "product": {"type": "string", "minLength": 1, "description": "only for this product (default: every product)"},
                       "role": {"type": "string", "minLength": 1, "description": "the role of who grants it: IP counsel"},
                       "reason": {"type": "string", "minLength": 1},
                       "expires": {"type": "string", "format": "date"},
                       "granted": {"type": "string", "format": "date", "description": "default: today"}}})json";
inline constexpr std::string_view kPlanBody =
    R"json({"type": "object", "description": "all optional: the workspace's policy and 20 s by default",
        "properties": {"collusion": {"type": "integer", "minimum": 0, "maximum": 10},
                       "max_exposure_share": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                       "time_limit": {"type": "number", "exclusiveMinimum": 0, "maximum": 60}}})json";
inline constexpr std::string_view kPlanJobBody =
    R"json({"type": "object", "description": "all optional: the workspace's policy and 30 s by default",
        "properties": {"collusion": {"type": "integer", "minimum": 0, "maximum": 10},
                       "max_exposure_share": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                       "time_limit": {"type": "number", "exclusiveMinimum": 0, "maximum": 3600}}})json";
inline constexpr std::string_view kVisitBody =
    R"json({"type": "object", "required": ["supplier"],
        "properties": {"supplier": {"type": "string", "minLength": 1}, "kind": {"enum": ["audit", "visit", "owner-visit"]},
                       "date": {"type": "string", "format": "date", "description": "default: today"},
                       "by": {"type": "array", "items": {"type": "string", "minLength": 1}}, "checklist": {"type": "string", "minLength": 1},
                       "product": {"type": "string", "minLength": 1},
                       "items": {"type": "array", "items": {"type": "object", "required": ["item", "result"],
                                 "properties": {"item": {"type": "string", "minLength": 1}, "result": {"enum": ["pass", "fail", "na"]},
                                                "note": {"type": "string"}}}},
                       "capacity_seen": {"type": "integer", "minimum": 0},
                       "headcount_seen": {"type": "integer", "minimum": 0},
                       "sites_seen": {"type": "array", "items": {"type": "string", "minLength": 1}},
                       "subcontractors_seen": {"type": "array", "items": {"type": "string", "minLength": 1}},
                       "update_supplier": {"type": "boolean"}, "note": {"type": "string"}}})json";
inline constexpr std::string_view kFindingBody =
    R"json({"type": "object", "required": ["severity", "description"],
        "properties": {"severity": {"enum": ["critical", "major", "minor", "observation"]},
                       "description": {"type": "string", "minLength": 1}, "item": {"type": "string", "minLength": 1},
                       "action": {"type": "string", "minLength": 1}, "owner": {"type": "string", "minLength": 1},
                       "due": {"type": "string", "format": "date"}}})json";
inline constexpr std::string_view kSupplierPatchBody =
    R"({"type": "object", "description": "fields to change, each a JSON value or the text of a CSV cell; null clears",
        "additionalProperties": true})";
inline constexpr std::string_view kReleaseBody =
    R"json({"type": "object", "required": ["package", "supplier", "recipients"],
        "properties": {"package": {"type": "string", "minLength": 1}, "supplier": {"type": "string", "minLength": 1},
                       "product": {"type": "string", "description": "when several products have the package"},
                       "recipients": {"type": "array", "items": {"type": "string"}, "description": "person ids"},
                       "files": {"type": "array", "items": {"type": "string"},
                                 "description": "file ids (default: the package's current files)"},
                       "expires": {"type": "string", "format": "date"}, "reason": {"type": "string"},
                       "dry_run": {"type": "boolean", "description": "what it would do; nothing written"}}})json";
inline constexpr std::string_view kReasonBody =
    R"({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "minLength": 1}}})";

inline constexpr std::string_view kFlagsBody =
    R"({"type": "object", "required": ["ids", "state", "reason"],
        "properties": {"ids": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
                       "state": {"enum": ["acknowledged", "resolved", "open"]}, "reason": {"type": "string", "minLength": 1}}})";
inline constexpr std::string_view kRemoveBody =
    R"({"type": "object", "required": ["keys"],
        "properties": {"keys": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1},
                                "description": "record keys as the ledger writes them: aurora/C1"},
                       "if_version": {"type": "integer", "description": "with one key: the version read"},
                       "cascade": {"type": "boolean"}, "dry_run": {"type": "boolean"}}})";

inline constexpr std::string_view kHitDecisionBody =
    R"({"type": "object", "required": ["status", "reason"],
        "properties": {"status": {"enum": ["confirmed", "dismissed"]}, "reason": {"type": "string", "minLength": 1}}})";
inline constexpr std::string_view kComplaintStatusBody =
    R"({"type": "object", "required": ["status"],
        "properties": {"status": {"enum": ["drafted", "filed", "removed", "counter-notice", "relisted", "withdrawn"]},
                       "on": {"type": "string", "format": "date", "description": "default: today"},
                       "reference": {"type": "string", "description": "the platform's case number"},
                       "note": {"type": "string"}}})";
inline constexpr std::string_view kRequestBodies[] = {
    kLoginBody,   kFlagBody,   kAnswerBody,      kCloseBody,          kWaiverBody,  kPlanBody,
    kPlanJobBody, kVisitBody,  kFindingBody,     kSupplierPatchBody,  kReleaseBody, kReasonBody,
    kFlagsBody,   kRemoveBody, kHitDecisionBody, kComplaintStatusBody};

}  // namespace moat::http
