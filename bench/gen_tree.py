#!/usr/bin/env python3
"""Generate a realistic, deterministic source tree for the `credgate scan` throughput benchmark.

The tree looks like a mid-sized monorepo: services in several languages, a web front end with
minified vendor bundles, Terraform, Helm values, SQL migrations, docs, scripts, per-environment
configuration, a `.gitignore` with ignored folders (`node_modules/`, `dist/`, `target/`), and some
binary assets. The text reads like code — identifiers, keywords, and words such as `key`, `token`,
`password` and `secret` at about the rate real code has them — because a scanner's keyword
prefilter is only as fast as the text lets it be.

About twenty secrets of different kinds are planted at known places, and a few decoys are put where
a scanner must not report them (ignored folders, a binary file, a `credgate:allow` line). All of
them are synthetic, drawn from the seeded generator. Their places (never their values) go to a
manifest next to the tree, which `scan_throughput.sh` checks the report against.

The same seed and size always give the same tree, byte for byte.

Usage:
    python3 bench/gen_tree.py [--size 300M] [--seed 1] [--out bench/out/tree] [--force]
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import shutil
import sys
import urllib.parse
import uuid
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Secret formats (synthetic values, same shapes as the real ones)
# ---------------------------------------------------------------------------------------------

ENTRA_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890.-_~"
ENTRA_CHECKSUM_SEED = 0x4161645077643030  # "AadPwd00", Microsoft security-utilities
BASE32_LOWER = "abcdefghijklmnopqrstuvwxyz234567"
MASK32 = 0xFFFFFFFF


def _rotl32(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & MASK32


def _marvin_block(p0: int, p1: int) -> tuple[int, int]:
    p1 ^= p0
    p0 = _rotl32(p0, 20)
    p0 = (p0 + p1) & MASK32
    p1 = _rotl32(p1, 9)
    p1 ^= p0
    p0 = _rotl32(p0, 27)
    p0 = (p0 + p1) & MASK32
    p1 = _rotl32(p1, 19)
    return p0, p1


def marvin64(data: bytes, seed: int) -> int:
    """Marvin (the .NET string hash) as a 64-bit value `(p1 << 32) | p0`."""
    p0, p1 = seed & MASK32, (seed >> 32) & MASK32
    whole = len(data) - len(data) % 4
    for i in range(0, whole, 4):
        p0 = (p0 + int.from_bytes(data[i : i + 4], "little")) & MASK32
        p0, p1 = _marvin_block(p0, p1)
    p0 = (p0 + int.from_bytes(data[whole:] + b"\x80", "little")) & MASK32
    p0, p1 = _marvin_block(p0, p1)
    p0, p1 = _marvin_block(p0, p1)
    return (p1 << 32) | p0


def marvin32(data: bytes, seed: int) -> int:
    """Marvin folded to 32 bits, as `Marvin.ComputeHash32` does."""
    h = marvin64(data, seed)
    return (h >> 32) ^ (h & MASK32)


def _encode_checksum(value: int) -> str:
    digits = []
    while value > 0:
        digits.append(ENTRA_ALPHABET[value % len(ENTRA_ALPHABET)])
        value //= len(ENTRA_ALPHABET)
    while len(digits) < 6:
        digits.append(ENTRA_ALPHABET[0])
    return "".join(reversed(digits))


def entra_secret_current(rng: random.Random) -> str:
    """40 chars, `xxx8Q~` + 31 random + the first 3 chars of the encoded Marvin32 checksum."""
    body = "".join(rng.choice(ENTRA_ALPHABET) for _ in range(3)) + "8Q~"
    body += "".join(rng.choice(ENTRA_ALPHABET) for _ in range(31))
    return body + _encode_checksum(marvin32(body.encode("latin-1"), ENTRA_CHECKSUM_SEED))[:3]


def entra_secret_previous(rng: random.Random) -> str:
    """37 chars, `xxx7Q~` + 31 random, no checksum."""
    return (
        "".join(rng.choice(ENTRA_ALPHABET) for _ in range(3))
        + "7Q~"
        + "".join(rng.choice(ENTRA_ALPHABET) for _ in range(31))
    )


def self_test() -> None:
    """Refuses to generate with a broken checksum: the planted Entra secrets must validate."""
    seed0 = 0x004FB61A001BDBCC  # the .NET runtime's Marvin test vectors
    vectors = [(b"", 0x30ED35C100CD3C7D), (b"\xaf", 0x48E73FC77D75DDC1),
               (b"\x37\xf4\x95", 0xF0B07C789B8CF7E8), (b"\xab\x42\x7e\xa8\xd1\x0f\xc7", 0xE11847E4F0678C41)]
    for data, want in vectors:
        if marvin64(data, seed0) != want:
            raise SystemExit(f"marvin self-test failed for {data!r}")
    # Microsoft's published synthetic example of the current format.
    body = "zzz8Q~" + "z" * 31
    if _encode_checksum(marvin32(body.encode("latin-1"), ENTRA_CHECKSUM_SEED))[:3] != "blP":
        raise SystemExit("Entra secret checksum self-test failed")


def b64_key(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(rng.randbytes(nbytes)).decode("ascii")


def sas_query(rng: random.Random) -> str:
    sig = urllib.parse.quote(b64_key(rng, 32), safe="")
    start_day = rng.randint(1, 27)
    return (
        f"sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-{rng.randint(7, 12):02d}-{start_day:02d}T17:00:00Z"
        f"&st=2025-{rng.randint(1, 6):02d}-{start_day:02d}T09:00:00Z&spr=https&sig={sig}"
    )


def ado_pat(rng: random.Random) -> str:
    return "".join(rng.choice(BASE32_LOWER) for _ in range(52))


def pem_block(rng: random.Random, label: str, der_prefix: bytes, nbytes: int) -> list[str]:
    body = base64.b64encode(der_prefix + rng.randbytes(nbytes)).decode("ascii")
    lines = [f"-----BEGIN {label}-----"]
    lines += [body[i : i + 64] for i in range(0, len(body), 64)]
    lines.append(f"-----END {label}-----")
    return lines


def guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def high_entropy_password(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%*+-="
    return "".join(rng.choice(alphabet) for _ in range(24))


# ---------------------------------------------------------------------------------------------
# Code-like text
# ---------------------------------------------------------------------------------------------

# Common words of identifiers, with the secret-ish words at realistic (low) weights: in real code
# "key" is common (maps, caches, SQL), "token" less so (parsers, auth), "password" and "secret" rare.
WORDS = (
    "user order account config cache request response handler client server session item list "
    "map buffer stream event message queue worker job task record entry index node tree path "
    "file name id count size offset limit page result error status state context options "
    "settings params query filter sort field column row table schema model view controller "
    "service repository provider factory builder parser reader writer input output data value "
    "total amount price invoice customer product cart payment shipment address region zone "
    "retry timeout deadline interval batch chunk range start end first last next prev parent "
    "child owner group role permission policy rule check metric counter gauge span trace log "
    "level format encode decode render template layout style theme color width height margin"
).split()
WORD_WEIGHTS = [10] * len(WORDS)
SECRETISH = {"key": 1.0, "token": 0.6, "password": 0.04, "secret": 0.08, "credential": 0.2, "auth": 1.5}
WORDS += list(SECRETISH)
WORD_WEIGHTS += list(SECRETISH.values())

SENTENCE_WORDS = (
    "the a this that when if then we it is are be to of for in on with by from as at returns "
    "handles keeps makes sure only each every before after so not yet also never always".split()
)


class Text:
    """Seeded source of identifiers and small literals."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._words = WORDS
        self._cum = list(_accumulate(WORD_WEIGHTS))

    def words(self, lo: int = 1, hi: int = 3) -> list[str]:
        return self.rng.choices(self._words, cum_weights=self._cum, k=self.rng.randint(lo, hi))

    def snake(self) -> str:
        return "_".join(self.words())

    def camel(self) -> str:
        w = self.words()
        return w[0] + "".join(x.capitalize() for x in w[1:])

    def pascal(self) -> str:
        return "".join(x.capitalize() for x in self.words())

    def const(self) -> str:
        return "_".join(self.words()).upper()

    def num(self) -> str:
        return str(self.rng.choice([0, 1, 2, 3, 8, 10, 16, 32, 64, 100, 128, 256, 1000, 1024, 4096]))

    def sentence(self) -> str:
        n = self.rng.randint(4, 12)
        out = []
        for _ in range(n):
            out.append(self.rng.choice(SENTENCE_WORDS) if self.rng.random() < 0.45 else self.words(1, 1)[0])
        return " ".join(out)

    def hexstr(self, n: int) -> str:
        return self.rng.randbytes((n + 1) // 2).hex()[:n]

    def fill(self, template: str) -> str:
        """Replaces {a} snake, {c} camel, {A} Pascal, {K} CONST, {n} number, {w} sentence,
        {h} 40-hex, {u} GUID."""
        out = []
        i = 0
        while i < len(template):
            ch = template[i]
            if ch == "{" and i + 2 < len(template) and template[i + 2] == "}":
                kind = template[i + 1]
                out.append(self._piece(kind))
                i += 3
                continue
            out.append(ch)
            i += 1
        return "".join(out)

    def _piece(self, kind: str) -> str:
        if kind == "a":
            return self.snake()
        if kind == "c":
            return self.camel()
        if kind == "A":
            return self.pascal()
        if kind == "K":
            return self.const()
        if kind == "n":
            return self.num()
        if kind == "w":
            return self.sentence()
        if kind == "h":
            return self.hexstr(40)
        if kind == "u":
            return guid(self.rng)
        return "{" + kind + "}"


def _accumulate(weights):
    total = 0.0
    for w in weights:
        total += w
        yield total


@dataclass
class Lang:
    """How one language's files look: a header, then blocks of body lines."""

    ext: str
    comment: str
    header: list[str]
    opener: list[str]
    body: list[str]
    close: str
    indent: str = "    "
    pool: list[str] = field(default_factory=list)


LANGS: dict[str, Lang] = {
    "rs": Lang(
        "rs", "//",
        ["use std::collections::HashMap;", "use std::sync::Arc;", "use crate::{a}::{A};",
         "use serde::{Deserialize, Serialize};", "//! {w}."],
        ["pub fn {a}(&self, {a}: &{A}) -> Result<{A}, Error> {", "fn {a}({a}: usize) -> Option<{A}> {",
         "impl {A} for {A} {", "pub async fn {a}(ctx: &Context, {a}: {A}) -> anyhow::Result<()> {",
         "#[derive(Debug, Clone)]\npub struct {A} {"],
        ["let {a} = {a}.{a}()?;", "let mut {a}: Vec<{A}> = Vec::with_capacity({n});",
         "if {a}.len() > {n} { return Err(Error::{A}); }", "// {w}.", "self.{a}.insert({a}.clone(), {a});",
         "for {a} in {a}.iter() { {a}.push({a}.{a}); }", "match {a} { Some(v) => v, None => return Ok(()) };",
         "let {a} = format!(\"{}:{}\", {a}, {a});", "tracing::debug!({a} = %{a}, \"{w}\");",
         "let key = {a}.key().to_owned();", "let token = lexer.next_token()?;",
         "pub {a}: Option<{A}>,", "{a}: HashMap<String, {A}>,", "Ok({A}::new({a}, {n}))",
         "let password_hash = argon2.hash_password({a}.as_bytes(), &salt)?;",
         "assert_eq!({a}.{a}(), {n});", "const {K}: usize = {n};"],
        "}",
    ),
    "py": Lang(
        "py", "#",
        ["import os", "import logging", "from typing import Any, Optional", "from .{a} import {A}",
         "log = logging.getLogger(__name__)", '"""{w}."""'],
        ["def {a}(self, {a}, {a}=None):", "async def {a}({a}: {A}) -> Optional[{A}]:",
         "class {A}({A}):", "def test_{a}({a}, {a}):"],
        ["{a} = {a}.{a}({a})", "if not {a}:\n        return None", "# {w}.", "for {a} in {a}:",
         "{a}.append({a}.{a})", "return {A}({a}={a}, {a}={n})", 'log.info("{w}: %s", {a})',
         "{a}[{a}.key] = {a}", 'token = request.headers.get("Authorization", "")',
         'password = os.environ.get("{K}_PASSWORD")', "assert {a} == {n}",
         "self.{a} = {a} or {n}", 'cache_key = f"{a}:{{a}}"', "{K} = {n}",
         'raise ValueError(f"{w}: {{a}!r}")', "with open({a}, \"rb\") as fh:"],
        "", "    ",
    ),
    "ts": Lang(
        "ts", "//",
        ["import { {A} } from './{c}';", "import type { {A}, {A} } from '../{c}/types';",
         "import React, { useEffect, useState } from 'react';"],
        ["export function {c}({c}: {A}, {c}?: number): {A} {", "export const {c} = async ({c}: {A}) => {",
         "export class {A} implements {A} {", "export interface {A} {"],
        ["const {c} = {c}.{c}({c});", "if (!{c}) { return undefined; }", "// {w}.",
         "{c}: {A};", "{c}?: string | null;", "const [{c}, set{A}] = useState<{A} | null>(null);",
         "return {c}.map(({c}) => {c}.{c});", "const key = `${{c}}:${{c}}`;",
         "headers.Authorization = `Bearer ${token}`;", "const token = await getAccessToken({c});",
         "await fetch(`/api/{c}/${{c}}`, { method: 'POST' });", "throw new Error('{w}');",
         "expect({c}).toEqual({n});", "{c}.set({c}.key, {c});"],
        "}", "  ",
    ),
    "js": Lang(
        "js", "//",
        ["'use strict';", "const {c} = require('./{c}');", "const { {c}, {c} } = require('../{c}');"],
        ["function {c}({c}, {c}) {", "module.exports.{c} = async function ({c}) {", "{c}.prototype.{c} = function () {"],
        ["var {c} = {c}.{c}({c});", "if ({c} == null) return;", "// {w}.", "{c}.push({c}[{c}]);",
         "return Object.keys({c}).filter(function (key) { return key !== '{c}'; });",
         "const token = this.{c}.peek();", "callback(null, {c});", "this.{c} = {c} || {n};"],
        "}", "  ",
    ),
    "go": Lang(
        "go", "//",
        ["package {a}", 'import (\n\t"context"\n\t"fmt"\n\t"net/http"\n)'],
        ["func ({c} *{A}) {A}(ctx context.Context, {c} {A}) ({A}, error) {", "func {A}({c} string, {c} int) error {",
         "type {A} struct {"],
        ["{c}, err := {c}.{A}(ctx, {c})", "if err != nil {\n\t\treturn nil, fmt.Errorf(\"{w}: %w\", err)\n\t}",
         "// {w}.", "{A} string `json:\"{c}\"`", "for _, {c} := range {c} {", "{c} = append({c}, {c})",
         "key := fmt.Sprintf(\"%s/%d\", {c}, {n})", "token := r.Header.Get(\"Authorization\")",
         "w.WriteHeader(http.StatusOK)", "return {c}, nil"],
        "}", "\t",
    ),
    "java": Lang(
        "java", "//",
        ["package com.acme.{a};", "import java.util.List;", "import java.util.Map;",
         "import org.springframework.stereotype.Service;"],
        ["public {A} {c}({A} {c}, int {c}) {", "private static List<{A}> {c}(Map<String, {A}> {c}) {",
         "public class {A} extends {A} {", "@Override\n    public boolean {c}() {"],
        ["final {A} {c} = {c}.{c}({c});", "if ({c} == null) {\n            return null;\n        }", "// {w}.",
         "{c}.put({c}.getKey(), {c});", "log.debug(\"{w} {}\", {c});", "return new {A}({c}, {n});",
         "private final {A} {c};", "String token = request.getHeader(\"Authorization\");",
         "char[] password = console.readPassword();", "throw new IllegalStateException(\"{w}\");"],
        "}",
    ),
    "cs": Lang(
        "cs", "//",
        ["using System;", "using System.Collections.Generic;", "using System.Threading.Tasks;",
         "namespace Acme.{A};"],
        ["public async Task<{A}> {A}Async({A} {c}, CancellationToken cancellationToken) {",
         "private static {A} {A}(IReadOnlyList<{A}> {c}) {", "public sealed class {A} : {A} {",
         "public record {A}(string {A}, int {A}) {"],
        ["var {c} = await _{c}.{A}Async({c}, cancellationToken);", "if ({c} is null) return null;",
         "// {w}.", "_logger.LogInformation(\"{w} {{A}}\", {c});", "return new {A}({c}, {n});",
         "public string {A} { get; init; } = string.Empty;", "var key = $\"{{c}}:{{c}}\";",
         "var token = await _tokenAcquisition.GetAccessTokenForAppAsync(scope);",
         "foreach (var {c} in {c}) { {c}.Add({c}.{A}); }"],
        "}",
    ),
    "c": Lang(
        "c", "/*",
        ["#include <stdio.h>", "#include <stdlib.h>", "#include <string.h>", '#include "{a}.h"'],
        ["static int {a}(struct {a} *{a}, size_t {a}) {", "int {a}_{a}(const char *{a}, int {a}) {"],
        ["size_t {a} = {a}->{a} + {n};", "if ({a} == NULL) {\n        return -1;\n    }",
         "/* {w}. */", "memcpy({a}, {a}->{a}, {a});", "for (size_t i = 0; i < {a}; i++) {a}[i] = {n};",
         "const char *key = table[{a} % TABLE_SIZE].key;", "struct token tok = next_token(lexer);",
         "return {a};"],
        "}",
    ),
    "h": Lang(
        "h", "/*",
        ["#pragma once", "#include <stddef.h>", "#include <stdint.h>"],
        ["struct {a} {", "typedef struct {a}_{a} {"],
        ["uint32_t {a};", "size_t {a};", "const char *key;", "struct {a} *{a};", "/* {w}. */",
         "int (*{a})(void *{a}, size_t {a});"],
        "};",
    ),
}

# Share of scanned bytes per language (a polyglot monorepo).
LANG_MIX = {
    "ts": 14, "rs": 11, "py": 11, "go": 9, "java": 9, "cs": 9, "js": 7, "c": 4, "h": 2,
    "json": 6, "yaml": 5, "md": 5, "sql": 2, "html": 2, "css": 2, "tf": 1, "sh": 1, "toml": 1,
}

# Where each language lives.
AREAS = {
    "rs": ["services/{svc}/src", "services/{svc}/src/{a}", "crates/{a}/src", "crates/{a}/tests"],
    "py": ["tools/{a}", "services/{svc}/app/{a}", "services/{svc}/tests", "ml/{a}/{a}"],
    "ts": ["web/{app}/src/components/{A}", "web/{app}/src/hooks", "web/{app}/src/pages/{a}", "web/{app}/src/lib"],
    "js": ["web/{app}/scripts", "web/{app}/src/legacy", "tools/js/{a}"],
    "go": ["services/{svc}/internal/{a}", "services/{svc}/cmd/{a}", "pkg/{a}"],
    "java": ["services/{svc}/src/main/java/com/acme/{svc}/{a}", "services/{svc}/src/test/java/com/acme/{svc}"],
    "cs": ["services/{svc}/src/{A}", "services/{svc}/src/{A}/Controllers", "services/{svc}/tests/{A}.Tests"],
    "c": ["native/{a}/src"],
    "h": ["native/{a}/include"],
    "json": ["web/{app}/src/i18n", "services/{svc}/config", "schemas/{a}", "web/{app}/fixtures"],
    "yaml": ["deploy/{svc}", "deploy/{svc}/templates", "config/{a}", "ci/{a}"],
    "toml": ["crates/{a}", "services/{svc}"],
    "md": ["docs/{a}", "docs/{a}/{a}", "services/{svc}", "adr"],
    "html": ["web/{app}/public", "web/{app}/src/templates"],
    "css": ["web/{app}/src/styles", "web/{app}/src/components/{A}"],
    "sql": ["db/migrations", "services/{svc}/db"],
    "sh": ["scripts", "tools/ci", "services/{svc}/scripts"],
    "tf": ["infra/modules/{a}", "infra/envs/{a}"],
}
SERVICES = ["billing", "orders", "catalog", "identity", "shipping", "search", "notifications", "reports"]
APPS = ["storefront", "backoffice", "partner-portal"]

MAX_SCANNED_FILE = 10 * 1024 * 1024  # credgate's default --max-file-size


HOT_WORDS = ("key", "token", "password", "secret")
HOT_LINE_SHARE = 0.02  # body lines whose template itself names a secret-ish word


def build_pools(text: Text, pool_size: int) -> None:
    """Pre-renders body lines per language so that file assembly is just sampling. Templates that
    name a secret-ish word (`let token = …`) are drawn rarely, so that such lines stay about as
    frequent as in real code (roughly 1-2% of lines mention "key", under 0.2% "secret")."""
    rng = text.rng
    for lang in LANGS.values():
        if not lang.body:
            continue
        hot = [t for t in lang.body if any(w in t.lower() for w in HOT_WORDS)]
        cold = [t for t in lang.body if t not in hot]
        lang.pool = [
            text.fill(rng.choice(hot if hot and rng.random() < HOT_LINE_SHARE else cold))
            for _ in range(pool_size)
        ]


# ---------------------------------------------------------------------------------------------
# File bodies
# ---------------------------------------------------------------------------------------------


def code_lines(lang: Lang, text: Text, target: int) -> list[str]:
    """Lines of a code file of about `target` bytes."""
    rng = text.rng
    lines = [text.fill(h) for h in rng.sample(lang.header, k=min(len(lang.header), rng.randint(2, 5)))]
    lines.append("")
    size = sum(len(x) + 1 for x in lines)
    while size < target:
        opener = text.fill(rng.choice(lang.opener))
        body = rng.choices(lang.pool, k=rng.randint(3, 18))
        block = [opener] + [lang.indent + b for b in body]
        if lang.close:
            block.append(lang.close)
        block.append("")
        if rng.random() < 0.3 and lang.comment:
            block.insert(0, f"{lang.comment} {text.sentence()}." + (" */" if lang.comment == "/*" else ""))
        lines.extend(block)
        size += sum(len(x) + 1 for x in block)
    return lines


def json_lines(text: Text, target: int) -> list[str]:
    rng = text.rng
    lines = ["{"]
    size = 2
    first = True
    while size < target:
        kind = rng.random()
        if kind < 0.6:
            entry = f'  "{text.camel()}": "{text.sentence()}"'
        elif kind < 0.8:
            entry = f'  "{text.camel()}": {text.num()}'
        elif kind < 0.83:
            entry = f'  "{text.camel()}": {{ "key": "{text.snake()}", "enabled": {rng.choice(["true", "false"])} }}'
        else:
            entry = f'  "{text.camel()}": ["{text.snake()}", "{text.snake()}"]'
        if not first:
            lines[-1] += ","
        first = False
        lines.append(entry)
        size += len(entry) + 2
    lines.append("}")
    return lines


def yaml_lines(text: Text, target: int) -> list[str]:
    rng = text.rng
    lines = [f"# {text.sentence()}"]
    size = 0
    while size < target:
        section = [f"{text.snake()}:"]
        # A section is either a mapping or a list of name/value pairs: valid YAML, as real
        # configuration is (a parse error would cost the scanner less than a real parse).
        as_list = rng.random() < 0.2
        for _ in range(rng.randint(2, 10)):
            r = rng.random()
            if r >= 0.9:
                section.append(f"  # {text.sentence()}")
            elif as_list:
                section.append(f"  - name: {text.snake()}\n    value: \"{text.sentence()}\"")
            elif r < 0.55:
                section.append(f"  {text.snake()}: {text.snake()}")
            elif r < 0.85:
                section.append(f"  {text.snake()}: {text.num()}")
            else:
                section.append(f"  key: {text.snake()}")
        section.append("")
        lines.extend(section)
        size += sum(len(x) + 1 for x in section)
    return lines


def toml_lines(text: Text, target: int) -> list[str]:
    rng = text.rng
    lines = ["[package]", f'name = "{text.snake()}"', 'version = "0.1.0"', 'edition = "2021"', ""]
    size = 60
    while size < target:
        sec = [f"[{text.snake()}]"]
        for _ in range(rng.randint(2, 8)):
            sec.append(f'{text.snake()} = "{text.snake()}"' if rng.random() < 0.6 else f"{text.snake()} = {text.num()}")
        sec.append("")
        lines.extend(sec)
        size += sum(len(x) + 1 for x in sec)
    return lines


def md_lines(text: Text, target: int) -> list[str]:
    rng = text.rng
    lines = [f"# {text.pascal()}", ""]
    size = 0
    while size < target:
        r = rng.random()
        if r < 0.15:
            block = [f"## {text.sentence().capitalize()}", ""]
        elif r < 0.25:
            block = ["```sh", f"./scripts/{text.snake()}.sh --{text.snake()} {text.num()}", "```", ""]
        elif r < 0.35:
            block = [f"- `{text.camel()}`: {text.sentence()}." for _ in range(rng.randint(2, 6))] + [""]
        else:
            block = [" ".join(text.sentence().capitalize() + "." for _ in range(rng.randint(2, 6))), ""]
        lines.extend(block)
        size += sum(len(x) + 1 for x in block)
    return lines


def html_lines(text: Text, target: int) -> list[str]:
    rng = text.rng
    lines = ["<!doctype html>", '<html lang="en">', "<head>", f"  <title>{text.pascal()}</title>",
             '  <link rel="stylesheet" href="/static/app.css">', "</head>", "<body>"]
    size = 150
    while size < target:
        block = [f'  <section class="{text.snake()}">', f"    <h2>{text.sentence()}</h2>"]
        for _ in range(rng.randint(1, 6)):
            block.append(f'    <p data-id="{text.snake()}">{text.sentence()}</p>')
        block.append(f'    <input type="{rng.choice(["text", "text", "email", "number", "password"])}" name="{text.snake()}">')
        block.append("  </section>")
        lines.extend(block)
        size += sum(len(x) + 1 for x in block)
    lines += ["</body>", "</html>"]
    return lines


def css_lines(text: Text, target: int) -> list[str]:
    rng = text.rng
    lines = []
    size = 0
    props = ["color", "margin", "padding", "display", "width", "height", "font-size", "border", "gap"]
    while size < target:
        block = [f".{text.snake().replace('_', '-')} .{text.snake().replace('_', '-')} {{"]
        for _ in range(rng.randint(2, 7)):
            block.append(f"  {rng.choice(props)}: {rng.choice(['0', '1rem', 'auto', 'flex', '#' + text.hexstr(6), '100%'])};")
        block += ["}", ""]
        lines.extend(block)
        size += sum(len(x) + 1 for x in block)
    return lines


def sql_lines(text: Text, target: int) -> list[str]:
    rng = text.rng
    lines = [f"-- {text.sentence()}", "BEGIN;", ""]
    size = 30
    while size < target:
        table = text.snake()
        block = [f"CREATE TABLE IF NOT EXISTS {table} (", "    id BIGSERIAL PRIMARY KEY,"]
        for _ in range(rng.randint(2, 8)):
            block.append(f"    {text.snake()} {rng.choice(['TEXT', 'INTEGER', 'TIMESTAMPTZ', 'BOOLEAN', 'JSONB'])} NOT NULL,")
        block.append(f"    {text.snake()}_id BIGINT REFERENCES {text.snake()}(id)")
        block += [");", f"CREATE INDEX ON {table} ({text.snake()});", ""]
        lines.extend(block)
        size += sum(len(x) + 1 for x in block)
    lines.append("COMMIT;")
    return lines


def sh_lines(text: Text, target: int) -> list[str]:
    rng = text.rng
    lines = ["#!/usr/bin/env bash", "set -euo pipefail", ""]
    size = 40
    while size < target:
        block = [f"{text.snake()}() {{"]
        for _ in range(rng.randint(2, 8)):
            block.append(rng.choice([
                f'  local {text.snake()}="${{1:-{text.snake()}}}"',
                f'  echo "{text.sentence()}"',
                f"  {text.snake()} --{text.snake()} \"${{{text.const()}}}\"",
                f'  if [[ -z "${{{text.const()}:-}}" ]]; then return 1; fi',
                '  token="$(az account get-access-token --query accessToken -o tsv)"',
            ]))
        block += ["}", ""]
        lines.extend(block)
        size += sum(len(x) + 1 for x in block)
    return lines


def tf_lines(text: Text, target: int) -> list[str]:
    rng = text.rng
    lines = []
    size = 0
    while size < target:
        block = [f'resource "azurerm_{text.snake()}" "{text.snake()}" {{',
                 f'  name                = "{text.snake().replace("_", "-")}"',
                 "  resource_group_name = azurerm_resource_group.main.name",
                 "  location            = var.location"]
        seen = {"name", "resource_group_name", "location", "tags"}
        for _ in range(rng.randint(1, 5)):
            attr = text.snake()
            if attr in seen:  # HCL, like Terraform, rejects an attribute set twice
                continue
            seen.add(attr)
            block.append(f"  {attr} = {rng.choice(['true', 'false', 'var.' + text.snake(), text.num()])}")
        block += ["  tags = local.tags", "}", ""]
        lines.extend(block)
        size += sum(len(x) + 1 for x in block)
    return lines


STRUCTURED = {
    "json": json_lines, "yaml": yaml_lines, "toml": toml_lines, "md": md_lines, "html": html_lines,
    "css": css_lines, "sql": sql_lines, "sh": sh_lines, "tf": tf_lines,
}


def file_lines(ext: str, text: Text, target: int) -> list[str]:
    if ext in STRUCTURED:
        return STRUCTURED[ext](text, target)
    return code_lines(LANGS[ext], text, target)


def physical_lines(ext: str, text: Text, target: int) -> list[str]:
    """Like `file_lines`, one entry per line of the written file (some templates span lines),
    for the files whose line numbers the manifest records."""
    return "\n".join(file_lines(ext, text, target)).split("\n")


def minified_bundle(text: Text, target: int) -> str:
    """One very long line (plus a license banner), like a vendored `*.min.js`."""
    rng = text.rng
    parts = ["/*! {} v{}.{}.{} | MIT */\n".format(text.camel(), rng.randint(1, 9), rng.randint(0, 20), rng.randint(0, 9))]
    size = len(parts[0])
    frags = [
        "function {c}(e,t){return e.{c}(t)}", "var {c}=function(e){return e&&e.key}",
        "e.prototype.{c}=function(t,n){this.{c}=t;return n}", "if(!e.token)throw new Error(\"{w}\")",
        "t.{c}=n[\"{c}\"]||{n}", "for(var r=0;r<e.length;r++)t[e[r].key]=e[r]",
        "Object.defineProperty(e,\"{c}\",{value:!0})",
    ]
    while size < target:
        chunk = ";".join(text.fill(rng.choice(frags)) for _ in range(64)) + ";"
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------------------------


@dataclass
class Planted:
    rule_id: str
    file: str
    line: int
    kind: str


@dataclass
class Tree:
    root: str
    rng: random.Random
    text: Text
    scanned_files: int = 0
    scanned_bytes: int = 0
    other_bytes: int = 0
    planted: list[Planted] = field(default_factory=list)
    decoys: list[dict] = field(default_factory=list)
    suppressed: list[dict] = field(default_factory=list)
    used_paths: set = field(default_factory=set)

    def write(self, rel: str, data: bytes, scanned: bool) -> None:
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb", buffering=1 << 20) as fh:
            fh.write(data)
        self.used_paths.add(rel)
        if scanned and len(data) <= MAX_SCANNED_FILE and b"\x00" not in data[:8192]:
            self.scanned_files += 1
            self.scanned_bytes += len(data)
        else:
            self.other_bytes += len(data)

    def write_lines(self, rel: str, lines: list[str], scanned: bool = True) -> None:
        self.write(rel, ("\n".join(lines) + "\n").encode("utf-8"), scanned)

    def fresh_path(self, directory: str, stem: str, ext: str) -> str:
        rel = f"{directory}/{stem}.{ext}"
        n = 2
        while rel in self.used_paths:
            rel = f"{directory}/{stem}_{n}.{ext}"
            n += 1
        return rel


def expand_dir(pattern: str, text: Text) -> str:
    rng = text.rng
    return text.fill(pattern.replace("{svc}", rng.choice(SERVICES)).replace("{app}", rng.choice(APPS)))


def stem_for(ext: str, text: Text) -> str:
    if ext in ("java", "cs"):
        return text.pascal()
    if ext in ("ts", "js", "css", "html"):
        return text.camel()
    return text.snake()


def generate_code(tree: Tree, budget: int) -> None:
    """Ordinary source files until `budget` scanned bytes are written."""
    rng, text = tree.rng, tree.text
    langs = list(LANG_MIX)
    weights = [LANG_MIX[k] for k in langs]
    dirs: dict[str, list[str]] = {ext: [] for ext in langs}
    while tree.scanned_bytes < budget:
        ext = rng.choices(langs, weights=weights)[0]
        # Reuse a folder most of the time so that folders hold several files.
        if dirs[ext] and rng.random() < 0.85:
            directory = rng.choice(dirs[ext])
        else:
            directory = expand_dir(rng.choice(AREAS[ext]), text)
            dirs[ext].append(directory)
        if rng.random() < 0.006:
            target = rng.randint(100_000, 2_000_000)
        else:
            target = int(min(50_000, max(400, rng.lognormvariate(math.log(7_000), 0.9))))
        rel = tree.fresh_path(directory, stem_for(ext, text), ext)
        tree.write_lines(rel, file_lines(ext, text, target))


def generate_bundles(tree: Tree) -> None:
    text = tree.text
    for app in APPS[:2]:
        name = f"web/{app}/public/vendor/{text.camel()}.min.js"
        tree.write(name, minified_bundle(text, tree.rng.randint(1_200_000, 2_000_000)).encode(), True)


def generate_environment_configs(tree: Tree) -> None:
    """One service wired for three environments, consistently (no consistency findings)."""
    rng = tree.rng
    tenant = guid(rng)
    envs = {"Development": guid(rng), "Staging": guid(rng), "Production": guid(rng)}
    for env, client in envs.items():
        vault = f"kv-orders-{env.lower()[:4]}"
        tree.write_lines(f"services/orders/src/Orders.Api/appsettings.{env}.json", [
            "{",
            '  "AzureAd": {',
            '    "Instance": "https://login.microsoftonline.com/",',
            f'    "TenantId": "{tenant}",',
            f'    "ClientId": "{client}",',
            f'    "ClientSecret": "@Microsoft.KeyVault(SecretUri=https://{vault}.vault.azure.net/secrets/orders-api/)"',
            "  },",
            '  "Logging": { "LogLevel": { "Default": "Information" } }',
            "}",
        ])
        short = {"Development": "dev", "Staging": "staging", "Production": "prod"}[env]
        tree.write_lines(f"deploy/orders/values-{short}.yaml", [
            "azureAd:",
            f"  tenantId: {tenant}",
            f"  clientId: {client}",
            "  clientSecret:",
            "    existingSecret: orders-api-azuread",
            "    key: client-secret",
            f"replicaCount: {rng.randint(1, 4)}",
        ])
        tree.write_lines(f"infra/envs/{short}.tfvars", [
            f'environment       = "{short}"',
            f'tenant_id         = "{tenant}"',
            f'azuread_client_id = "{client}"',
            'location          = "westeurope"',
        ])
    tree.write_lines(".env.example", [
        "AZURE_TENANT_ID=<tenant-id>", "AZURE_CLIENT_ID=<client-id>", "AZURE_CLIENT_SECRET=<client-secret>",
    ])
    tree.write_lines(".github/workflows/deploy-orders.yml", [
        "name: deploy-orders", "on: { push: { branches: [main] } }", "permissions: { id-token: write, contents: read }",
        "jobs:",
        "  staging:", "    runs-on: ubuntu-latest", "    environment: staging", "    steps:",
        "      - uses: azure/login@v2", "        with:",
        "          client-id: ${{ secrets.AZURE_CLIENT_ID }}", "          tenant-id: ${{ secrets.AZURE_TENANT_ID }}",
        "          subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}",
        "  production:", "    needs: staging", "    runs-on: ubuntu-latest", "    environment: production", "    steps:",
        "      - uses: azure/login@v2", "        with:",
        "          client-id: ${{ secrets.AZURE_CLIENT_ID }}", "          tenant-id: ${{ secrets.AZURE_TENANT_ID }}",
        "          subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}",
    ])


def insertion_point(lines: list[str], ext: str) -> int:
    """Where planted lines keep the file well-formed: after a blank line (between blocks, YAML
    sections, paragraphs) in the middle half, or right after `{` in JSON."""
    if ext == "json":
        return 1
    lo, hi = len(lines) // 4, 3 * len(lines) // 4
    blanks = [i + 1 for i in range(lo, hi) if lines[i] == ""]
    return blanks[len(blanks) // 2] if blanks else len(lines) // 2


def plant_in_new_file(tree: Tree, rel: str, ext: str, rule_id: str, kind: str, planted: tuple[list[str], int]) -> None:
    """Writes a code-like file of `ext` with the planted lines inserted between two blocks;
    `planted[1]` is the index, within the planted lines, of the line the finding belongs on."""
    secret_lines, hit = planted
    lines = physical_lines(ext, tree.text, tree.rng.randint(2_000, 30_000))
    at = insertion_point(lines, ext)
    lines[at:at] = secret_lines
    tree.write_lines(rel, lines)
    tree.planted.append(Planted(rule_id, rel, at + hit + 1, kind))


def generate_planted(tree: Tree) -> None:
    """About twenty secrets of every kind credgate looks for, at known places."""
    rng = tree.rng
    rsa_prefix = base64.b64decode("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ==")
    ec_prefix = base64.b64decode("MHcCAQEEIA==")

    def one(line: str) -> tuple[list[str], int]:
        return [line, ""], 0

    items = [
        ("services/identity/src/main/resources/application-staging.yml", "yaml", "azure-client-secret", "entra-current",
         lambda: one(f"spring.cloud.azure.active-directory.credential.client-secret: {entra_secret_current(rng)}")),
        ("services/reports/tests/integration/conftest.py", "py", "azure-client-secret", "entra-current",
         lambda: one(f'CLIENT_SECRET = "{entra_secret_current(rng)}"')),
        ("services/billing/src/Billing.Worker/GraphClientFactory.cs", "cs", "azure-client-secret", "entra-previous",
         lambda: one(f'    private const string ClientSecret = "{entra_secret_previous(rng)}";')),
        ("web/backoffice/src/lib/msalConfig.ts", "ts", "azure-client-secret", "entra-current",
         lambda: ([f"export const msalConfig = {{",
                   f"  auth: {{ clientId: '{guid(rng)}', clientSecret: '{entra_secret_current(rng)}', authority: 'https://login.microsoftonline.com/{guid(rng)}' }},",
                   "};", ""], 1)),
        ("tools/ci/bootstrap-runner.sh", "sh", "azure-client-secret", "entra-current",
         lambda: one(f"export AZURE_CLIENT_SECRET='{entra_secret_current(rng)}'")),
        ("services/catalog/config/storage.json", "json", "azure-connection-string", "storage-connection-string",
         lambda: ([f'  "blobConnection": "DefaultEndpointsProtocol=https;AccountName=stcatalog{rng.randint(10, 99)};AccountKey={b64_key(rng, 64)};EndpointSuffix=core.windows.net",'], 0)),
        ("services/notifications/src/Notifications.Api/QueueSettings.cs", "cs", "azure-connection-string", "service-bus",
         lambda: one(f'    public const string Connection = "Endpoint=sb://sb-notify-{rng.randint(1, 9)}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={b64_key(rng, 32)}";')),
        ("ml/ranking/ranking/store.py", "py", "azure-connection-string", "cosmos",
         lambda: one(f'COSMOS_CONN = "AccountEndpoint=https://cosmos-rank-{rng.randint(1, 9)}.documents.azure.com:443/;AccountKey={b64_key(rng, 64)};"')),
        ("deploy/search/event-hub.yaml", "yaml", "azure-connection-string", "event-hubs",
         lambda: one(f'eventHubConnection: "Endpoint=sb://eh-search.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={b64_key(rng, 32)};EntityPath=indexing"')),
        ("scripts/restore-backup.sh", "sh", "azure-storage-key", "storage-key",
         lambda: one(f'AZURE_STORAGE_KEY="{b64_key(rng, 64)}"')),
        ("pkg/blobstore/client.go", "go", "azure-storage-key", "storage-key",
         lambda: one(f'const storageAccountKey = "{b64_key(rng, 64)}"')),
        ("docs/runbooks/restore-from-backup.md", "md", "azure-sas-token", "sas-url",
         lambda: (["```sh", f'azcopy copy "https://stbackup{rng.randint(10, 99)}.blob.core.windows.net/nightly?{sas_query(rng)}" ./restore --recursive', "```", ""], 1)),
        ("web/storefront/src/legacy/uploadClient.js", "js", "azure-sas-token", "sas-url",
         lambda: one(f"var uploadUrl = 'https://stuploads.blob.core.windows.net/incoming?{sas_query(rng)}';")),
        ("config/pipelines/mirror.yaml", "yaml", "azure-devops-pat", "ado-pat",
         lambda: (["env:", f"  AZURE_DEVOPS_EXT_PAT: {ado_pat(rng)}", ""], 1)),
        ("scripts/sync-wiki.sh", "sh", "azure-devops-pat", "ado-pat",
         lambda: one(f'ADO_PAT="{ado_pat(rng)}"')),
        ("ci/reports/nightly-report.yml", "yaml", "azure-login-creds", "azure-login-creds",
         lambda: (["steps:", "  - uses: azure/login@v1", "    with:",
                   "      creds: '{\"clientId\":\"%s\",\"clientSecret\":\"%s\",\"subscriptionId\":\"%s\",\"tenantId\":\"%s\"}'"
                   % (guid(rng), entra_secret_current(rng), guid(rng), guid(rng)), ""], 3)),
        ("native/tlsproxy/src/test_keys.c", "c", "private-key", "pem-rsa-in-c-string",
         lambda: (["static const char *TEST_KEY ="] + [f'    "{x}\\n"' for x in pem_block(rng, "RSA PRIVATE KEY", rsa_prefix, 600)] + [";", ""], 1)),
        ("services/reports/app/signing/keys.py", "py", "private-key", "pem-ec",
         lambda: (['SIGNING_KEY = """\\'] + pem_block(rng, "EC PRIVATE KEY", ec_prefix, 80) + ['"""', ""], 1)),
        ("services/billing/config/database.yaml", "yaml", "generic-secret-assignment", "password",
         lambda: (["database:", "  host: pg-billing.internal", "  user: billing_app", f'  password: "{high_entropy_password(rng)}"', ""], 3)),
        ("services/search/internal/indexer/settings.go", "go", "generic-secret-assignment", "legacy-entra-secret",
         lambda: one(f'var clientSecret = "{b64_key(rng, 33)}"')),
    ]
    for rel, ext, rule_id, kind, make in items:
        plant_in_new_file(tree, rel, ext, rule_id, kind, make())

    # A standalone PEM file, as committed keys usually are.
    rel = "deploy/certs/gateway-internal.key"
    tree.write_lines(rel, pem_block(rng, "PRIVATE KEY", rsa_prefix, 1150))
    tree.planted.append(Planted("private-key", rel, 1, "pem-pkcs8"))

    # An allowed test fixture: reported as suppressed, never as a finding.
    rel = "services/identity/tests/fixtures/secrets_test.py"
    lines = physical_lines("py", tree.text, 4_000)
    at = insertion_point(lines, "py")
    lines.insert(at, f'FAKE_SECRET = "{entra_secret_current(rng)}"  # credgate:allow azure-client-secret')
    tree.write_lines(rel, lines)
    tree.suppressed.append({"rule_id": "azure-client-secret", "file": rel, "line": at + 1})


def generate_ignored(tree: Tree, budget: int) -> None:
    """Folders the .gitignore excludes; a scanner that reads them wastes time and reports noise."""
    rng, text = tree.rng, tree.text
    written = 0
    while written < budget:
        pkg = text.snake().replace("_", "-")
        for part in ("index", "lib/" + text.camel(), "lib/" + text.camel(), "dist/" + text.camel()):
            body = "\n".join(file_lines("js", text, rng.randint(2_000, 40_000))) + "\n"
            tree.write(f"web/storefront/node_modules/{pkg}/{part}.js", body.encode(), False)
            written += len(body)
    # Decoys in ignored folders: present in the tree, never to be reported.
    rel = "web/storefront/node_modules/@acme/auth-test-utils/fixtures.js"
    tree.write(rel, f"module.exports.clientSecret = '{entra_secret_current(rng)}';\n".encode(), False)
    tree.decoys.append({"file": rel, "reason": "ignored folder (node_modules/)"})
    rel = "dist/config/.env.production"
    tree.write(rel, f"AZURE_CLIENT_SECRET={entra_secret_current(rng)}\n".encode(), False)
    tree.decoys.append({"file": rel, "reason": "ignored folder (dist/)"})
    rel = "target/release/build/out.log"
    tree.write(rel, ("\n".join(text.sentence() for _ in range(2000)) + "\n").encode(), False)
    rel = "services/orders/bin/Debug/appsettings.Staging.json"
    tree.write(rel, f'{{"AzureAd":{{"ClientSecret":"{entra_secret_current(rng)}"}}}}\n'.encode(), False)
    tree.decoys.append({"file": rel, "reason": "ignored folder (bin/)"})


def generate_binaries(tree: Tree, budget: int) -> None:
    """Images, archives and fonts: NUL bytes early, so they are skipped as binary."""
    rng, text = tree.rng, tree.text
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    zipsig = b"PK\x03\x04\x14\x00\x00\x00\x08\x00"
    woff = b"wOF2\x00\x01\x00\x00"
    written = 0
    while written < budget:
        kind = rng.random()
        size = int(min(3_000_000, max(2_000, rng.lognormvariate(math.log(60_000), 1.0))))
        if kind < 0.6:
            rel, head = f"web/{rng.choice(APPS)}/public/img/{text.snake()}.png", png
        elif kind < 0.85:
            rel, head = f"tools/vendor/{text.snake()}.zip", zipsig
        else:
            rel, head = f"web/{rng.choice(APPS)}/public/fonts/{text.camel()}.woff2", woff
        if rel in tree.used_paths:
            continue
        tree.write(rel, head + rng.randbytes(size), False)
        written += size
    # A key inside a binary blob: skipped as binary, never reported.
    rel = "tools/vendor/legacy-keystore.bin"
    blob = b"\x00\x01KSTORE\x00" + "\n".join(pem_block(rng, "RSA PRIVATE KEY", b"0", 600)).encode() + rng.randbytes(4096)
    tree.write(rel, blob, False)
    tree.decoys.append({"file": rel, "reason": "binary file"})


GITIGNORE = """# dependencies and build output
node_modules/
dist/
target/
bin/
obj/
coverage/
*.log
.env
.env.local
"""


def parse_size(s: str) -> int:
    s = s.strip().upper()
    mult = 1
    for suffix, m in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if s.endswith(suffix):
            s, mult = s[:-1], m
            break
    return int(float(s) * mult)


def keyword_rates(root: str, sample_files: int = 400) -> dict[str, float]:
    """Share of lines mentioning each secret-ish word, over a seeded sample of the scanned files
    (printed for the record, so that a change of the generator that skews it shows)."""
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("node_modules", "dist", "target", "bin"))
        paths.extend(os.path.join(dirpath, name) for name in sorted(filenames))
    sample = random.Random(0).sample(paths, k=min(sample_files, len(paths)))
    counts = {w: 0 for w in HOT_WORDS}
    lines = 0
    for path in sample:
        with open(path, "rb") as fh:
            data = fh.read()
        if b"\x00" in data[:8192]:
            continue
        for line in data.lower().split(b"\n"):
            lines += 1
            for w in counts:
                if w.encode() in line:
                    counts[w] += 1
    return {w: (c / lines * 100 if lines else 0.0) for w, c in counts.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="300M", help="total size of the tree, e.g. 300M, 1G (default 300M)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", default="bench/out/tree", help="output folder (default bench/out/tree)")
    ap.add_argument("--manifest", default=None, help="manifest path (default <out>.manifest.json)")
    ap.add_argument("--force", action="store_true", help="replace an existing output folder")
    args = ap.parse_args()

    self_test()
    total = parse_size(args.size)
    out = args.out.rstrip("/")
    manifest_path = args.manifest or out + ".manifest.json"
    if os.path.exists(out):
        if not args.force:
            print(f"{out} exists; pass --force to replace it", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    os.makedirs(out)

    rng = random.Random(args.seed)
    text = Text(rng)
    build_pools(text, pool_size=6000)
    tree = Tree(root=out, rng=rng, text=text)

    tree.write(".gitignore", GITIGNORE.encode(), True)
    generate_environment_configs(tree)
    generate_planted(tree)
    generate_bundles(tree)
    generate_ignored(tree, budget=int(total * 0.07))
    generate_binaries(tree, budget=int(total * 0.05))
    generate_code(tree, budget=total - tree.other_bytes)

    manifest = {
        "seed": args.seed,
        "size": total,
        "tree": os.path.abspath(out),
        "scanned_files": tree.scanned_files,
        "scanned_bytes": tree.scanned_bytes,
        "ignored_or_binary_bytes": tree.other_bytes,
        "planted": [p.__dict__ for p in tree.planted],
        "suppressed": tree.suppressed,
        "must_not_report": tree.decoys,
        "keyword_line_percent": keyword_rates(out),
    }
    with open(manifest_path, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")

    print(f"tree:            {out}")
    print(f"manifest:        {manifest_path}")
    print(f"files to scan:   {tree.scanned_files}")
    print(f"bytes to scan:   {tree.scanned_bytes}")
    print(f"ignored+binary:  {tree.other_bytes} bytes (not to be scanned)")
    print(f"planted secrets: {len(tree.planted)} (+{len(tree.suppressed)} allowed, {len(tree.decoys)} decoys)")
    rates = ", ".join(f"{w} {v:.2f}%" for w, v in manifest["keyword_line_percent"].items())
    print(f"lines with:      {rates}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
