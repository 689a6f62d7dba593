"""Validators built from the official specs vendored in tests/fakes/api-specs (see its README).

LINE: a small OpenAPI 3 walker ($ref, allOf, discriminator by `type`, properties, required,
type, enum, pattern, lengths, items), plus the documented limits the spec leaves out.
Telegram: method fields (required, unknown, basic types) from api.json, plus text and
callback_data limits.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import yaml

from tests.fakes.specs_richmenu import image_errors, richmenu_limits

# A copy in the repo (with its licences), so a clone of the repo alone can run its tests.
SPECS = Path(__file__).resolve().parent / "api-specs"

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
         "integer": int, "number": (int, float)}


@functools.cache
def _line_spec(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((SPECS / "line" / name).read_text(encoding="utf-8")))


def _resolve(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return dict(node)


def check(spec: dict[str, Any], schema: dict[str, Any], value: Any, path: str,
          errors: list[str], dispatch: bool = True) -> None:
    """Append to errors every way value breaks schema."""
    if "$ref" in schema:
        check(spec, _resolve(spec, schema["$ref"]), value, path, errors, dispatch)
        return
    disc = schema.get("discriminator")
    if dispatch and disc and isinstance(value, dict):
        target = disc.get("mapping", {}).get(value.get(disc["propertyName"]))
        if target is None:
            errors.append(f"{path}: unknown {disc['propertyName']} {value.get('type')!r}")
            return
        check(spec, _resolve(spec, target), value, path, errors)
    for part in schema.get("allOf", []):
        check(spec, part, value, path, errors, dispatch=False)
    _check_scalar(schema, value, path, errors)
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing {name}")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                check(spec, sub, value[name], f"{path}.{name}", errors)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(spec, schema["items"], item, f"{path}[{i}]", errors)


def _check_scalar(schema: dict[str, Any], value: Any, path: str, errors: list[str]) -> None:
    want = schema.get("type")
    if want in TYPES and not isinstance(value, TYPES[want]):
        errors.append(f"{path}: expected {want}")
        return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: over {schema['maximum']}")
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: under {schema['minimum']}")
    if isinstance(value, (str, list)):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: longer than {schema['maxLength']}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"{path}: shorter than {schema['minLength']}")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: more than {schema['maxItems']} items")
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{path}: fewer than {schema['minItems']} items")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{path}: does not match {schema['pattern']}")
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: below {schema['minimum']}")
    if number and "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: above {schema['maximum']}")


def _operation(method: str, path: str) -> dict[str, Any] | None:
    """The spec's operation for a request (the most literal path template wins)."""
    spec = _line_spec("messaging-api.yml")
    templates = sorted(spec["paths"], key=lambda t: t.count("{"))
    for template in templates:
        ops = spec["paths"][template]
        regex = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(regex, path) and method.lower() in ops:
            return dict(ops[method.lower()])
    return None


def _on_data_host(operation: dict[str, Any]) -> bool:
    return any("api-data.line.me" in s.get("url", "") for s in operation.get("servers", []))


def validate_line_request(method: str, path: str, body: Any,
                          headers: dict[str, str] | None = None) -> list[str]:
    """Errors in one request to the LINE Messaging API's api.line.me (empty when valid)."""
    operation = _operation(method, path)
    if operation is None:
        return [f"{method} {path}: no such operation in messaging-api.yml"]
    if _on_data_host(operation):
        return [f"{method} {path}: goes to api-data.line.me (LINE_DATA_API_BASE_URL)"]
    errors: list[str] = []
    request_body = operation.get("requestBody")
    if request_body is not None:
        schema = request_body["content"]["application/json"]["schema"]
        check(_line_spec("messaging-api.yml"), schema, body, "body", errors)
    if isinstance(body, dict):
        errors += _line_limits(body)
        if path in ("/v2/bot/richmenu", "/v2/bot/richmenu/validate"):
            errors += richmenu_limits(body)
    if headers is not None:
        errors += _line_headers(headers)
    return errors


IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}
MAX_IMAGE = 1024 * 1024


def validate_line_data_request(method: str, path: str, body: bytes, headers: dict[str, str],
                               menu: dict[str, Any] | None) -> list[str]:
    """Errors in one request to api-data.line.me: the operation, then (a rich menu image)
    JPEG or PNG as its Content-Type says, at most 1 MB, the menu's exact size."""
    operation = _operation(method, path)
    if operation is None or not _on_data_host(operation):
        return [f"{method} {path}: not an api-data.line.me operation"]
    errors = _line_headers(headers)
    if not path.endswith("/content") or method != "POST":
        return errors
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    if content_type not in IMAGE_TYPES:
        return [*errors, f"image: Content-Type {content_type!r} is not image/png or image/jpeg"]
    if not 0 < len(body) <= MAX_IMAGE:
        errors.append(f"image: {len(body):,} bytes (at most 1 MB)")
    return errors + image_errors(body, IMAGE_TYPES[content_type], menu)


def _line_limits(body: dict[str, Any]) -> list[str]:
    """Documented limits the OpenAPI file does not carry (api-specs/README.md)."""
    errors = []
    messages = body.get("messages", [])
    if "messages" in body and not 1 <= len(messages) <= 5:
        errors.append("body.messages: 1-5 messages per request")
    for i, msg in enumerate(messages):
        text = msg.get("text", "")
        if len(text.encode("utf-16-le")) // 2 > 5000:
            errors.append(f"body.messages[{i}].text: over 5000 UTF-16 units")
        items = (msg.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            errors.append(f"body.messages[{i}].quickReply.items: more than 13")
        for j, item in enumerate(items):
            label = item.get("action", {}).get("label", "")
            if len(label) > 20:
                errors.append(f"body.messages[{i}].quickReply.items[{j}]: label over 20")
    if "to" in body and isinstance(body["to"], list) and not 1 <= len(body["to"]) <= 500:
        errors.append("body.to: 1-500 user ids")
    for i, msg in enumerate(messages):
        if msg.get("type") == "flex":
            errors += _flex_limits(msg, f"body.messages[{i}]")
    return errors + _loading_limits(body)


def _loading_limits(body: dict[str, Any]) -> list[str]:
    """The loading animation: 1:1 chats only (a user id), seconds in multiples of 5."""
    errors = []
    seconds = body.get("loadingSeconds")
    if isinstance(seconds, int) and seconds % 5:
        errors.append("body.loadingSeconds: not a multiple of 5")
    if "loadingSeconds" in body and not re.fullmatch(r"U[0-9a-f]{32}", str(body.get("chatId"))):
        errors.append("body.chatId: the loading animation works in 1:1 chats (a user id) only")
    return errors


def _flex_limits(msg: dict[str, Any], path: str) -> list[str]:
    """Flex limits from LINE's reference: altText, bubbles per carousel, sizes, labels."""
    errors = []
    if not 1 <= len(str(msg.get("altText", ""))) <= 1500:
        errors.append(f"{path}.altText: 1-1500 characters")
    contents = msg.get("contents") or {}
    bubbles = contents.get("contents", []) if contents.get("type") == "carousel" else [contents]
    if contents.get("type") == "carousel" and not 1 <= len(bubbles) <= 12:
        errors.append(f"{path}.contents: a carousel holds 1-12 bubbles")
    if len(json.dumps(contents, ensure_ascii=False).encode()) > 50_000:
        errors.append(f"{path}.contents: over 50 KB")
    for j, bubble in enumerate(bubbles):
        if len(json.dumps(bubble, ensure_ascii=False).encode()) > 30_000:
            errors.append(f"{path}.contents[{j}]: bubble over 30 KB")
    errors += [f"{path}: {e}" for e in _flex_components(contents)]
    return errors


def _flex_components(node: Any) -> list[str]:
    """Empty text components and action labels over 40 characters, anywhere in a container."""
    errors: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "text" and not node.get("text") and not node.get("contents"):
            errors.append("a text component with empty text")
        label = (node.get("action") or {}).get("label") if node.get("type") == "button" else None
        if label is not None and len(label) > 40:
            errors.append(f"button label over 40 characters: {label!r}")
        for value in node.values():
            errors += _flex_components(value)
    elif isinstance(node, list):
        for item in node:
            errors += _flex_components(item)
    return errors


def _line_headers(headers: dict[str, str]) -> list[str]:
    errors = []
    lower = {k.lower(): v for k, v in headers.items()}
    if not lower.get("authorization", "").startswith("Bearer "):
        errors.append("headers: Authorization Bearer missing")
    key = lower.get("x-line-retry-key")
    if key is not None and not re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", key):
        errors.append("headers: X-Line-Retry-Key is not a UUID")
    return errors


def validate_line_webhook(body: Any) -> list[str]:
    """Errors in a webhook body against webhook.yml's CallbackRequest."""
    spec = _line_spec("webhook.yml")
    errors: list[str] = []
    check(spec, {"$ref": "#/components/schemas/CallbackRequest"}, body, "body", errors)
    return errors


@functools.cache
def _telegram() -> dict[str, Any]:
    return dict(json.loads((SPECS / "telegram" / "api.json").read_text(encoding="utf-8")))


def validate_telegram_call(method: str, params: dict[str, Any]) -> list[str]:
    """Errors in one Bot API call: method, required and unknown fields, types, limits."""
    spec = _telegram()["methods"].get(method)
    if spec is None:
        return [f"{method}: no such method"]
    fields = {f["name"]: f for f in spec.get("fields", [])}
    errors = [f"{method}: missing {n}" for n, f in fields.items()
              if f["required"] and n not in params]
    errors += [f"{method}: unknown field {n}" for n in params if n not in fields]
    for name, value in params.items():
        if name in fields:
            errors += _telegram_type(method, name, fields[name]["types"], value)
    if len(str(params.get("text", ""))) > 4096:
        errors.append(f"{method}: text over 4096 characters")
    errors += _keyboard_errors(method, params.get("reply_markup"))
    if method == "setMyCommands":
        errors += _command_errors(params.get("commands"), params.get("scope"))
    return errors


def _object_errors(where: str, type_name: str, value: Any) -> list[str]:
    """Required and unknown fields of one object against its type in api.json."""
    fields = {f["name"]: f for f in _telegram()["types"][type_name].get("fields", [])}
    if not isinstance(value, dict):
        return [f"{where}: not an object"]
    errors = [f"{where}: missing {n}" for n, f in fields.items()
              if f["required"] and n not in value]
    errors += [f"{where}: unknown field {n}" for n in value if n not in fields]
    for name, v in value.items():
        if name in fields:
            errors += _telegram_type(where, name, fields[name]["types"], v)
    return errors


def _command_errors(commands: Any, scope: Any) -> list[str]:
    """setMyCommands: each BotCommand (1-32 lowercase letters, digits, _; a 1-256 character
    description) and the scope, a BotCommandScope subtype named by its type field."""
    errors: list[str] = []
    for c in commands if isinstance(commands, list) else []:
        errors += _object_errors("setMyCommands.commands", "BotCommand", c)
        name, text = str(c.get("command", "")), str(c.get("description", ""))
        if not re.fullmatch(r"[a-z0-9_]{1,32}", name) or not 1 <= len(text) <= 256:
            errors.append(f"setMyCommands: bad command {c}")
    if scope is None:
        return errors
    kinds = {"".join(w.title() for w in k.split("_")): k for k in (
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
        "chat_administrators", "chat_member")}
    name = next((f"BotCommandScope{t}" for t, k in kinds.items()
                 if isinstance(scope, dict) and scope.get("type") == k), None)
    if name is None or name not in _telegram()["types"]["BotCommandScope"]["subtypes"]:
        return [*errors, f"setMyCommands: unknown scope {scope}"]
    return errors + _object_errors("setMyCommands.scope", name, scope)


def _telegram_type(method: str, name: str, types: list[str], value: Any) -> list[str]:
    ok = any(
        (t == "Integer" and isinstance(value, int) and not isinstance(value, bool))
        or (t == "String" and isinstance(value, str))
        or (t == "Boolean" and isinstance(value, bool))
        or (t == "Float" and isinstance(value, (int, float)))
        or (t.startswith("Array of") and isinstance(value, list))
        or (t[:1].isupper() and t not in ("Integer", "String", "Boolean", "Float")
            and not t.startswith("Array of") and isinstance(value, dict))
        or (t == "InputFile" and value is not None)
        for t in types)
    return [] if ok else [f"{method}.{name}: {value!r} is not {' or '.join(types)}"]


def _keyboard_errors(method: str, markup: Any) -> list[str]:
    if isinstance(markup, dict) and not {"inline_keyboard", "keyboard", "remove_keyboard",
                                         "force_reply"} & set(markup):
        return [f"{method}: reply_markup is no markup type {markup}"]
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return []
    button_fields = {f["name"] for f in _telegram()["types"]["InlineKeyboardButton"]["fields"]}
    errors = []
    for row in markup["inline_keyboard"]:
        for button in row:
            unknown = set(button) - button_fields
            actions = set(button) - {"text", "style", "icon_custom_emoji_id"}
            if unknown or "text" not in button or len(actions) != 1:
                errors.append(f"{method}: bad button {button}")
            data = button.get("callback_data")
            if data is not None and len(str(data).encode()) > 64:
                errors.append(f"{method}: callback_data over 64 bytes")
    return errors
