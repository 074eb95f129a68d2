#!/usr/bin/env bash
# Builds the libFuzzer harness Tests/Fuzz/FuzzPortico.swift and runs it for a while.
#   scripts/fuzz.sh [seconds]      default 30; `make fuzz` runs it for 10 minutes
# The harness is compiled with swiftc together with only the PorticoCore sources it exercises (front matter
# parsing, the Markdown renderer and its byte-level post-passes, link and reference scanning), instrumented
# for libFuzzer and AddressSanitizer; Yams comes as the objects `swift build` already made. So it never
# touches the package build, and rebuilding it takes well under a minute. New inputs go to .build-fuzz/corpus;
# the seeds in Tests/Fuzz/corpus are read, not written. A crash leaves .build-fuzz/crash-* and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
# The package's debug build folder, found without asking SwiftPM (which would wait for a build running beside).
# FUZZ_BUILD names another SwiftPM build folder (a --scratch-path) to take Yams from.
build=${FUZZ_BUILD:-.build}
bin=$(ls -d "$build"/debug "$build"/*-unknown-linux-gnu/debug 2>/dev/null | head -1 || true)
if [[ -z $bin ]] || ! ls "$bin"/Yams.build/*.o >/dev/null 2>&1; then
  swift build --scratch-path "$build" --target Yams >/dev/null
  bin=$(ls -d "$build"/debug "$build"/*-unknown-linux-gnu/debug | head -1)
fi
out=.build-fuzz
harness=$out/fuzz-portico
core=Sources/PorticoCore
sources=(
  Tests/Fuzz/FuzzPortico.swift
  $core/Content/FrontMatterParser.swift $core/Content/SimpleFrontMatter.swift $core/Content/SourcePage.swift
  $core/Support/Day.swift $core/Support/Identifier.swift $core/Support/Locked.swift $core/Support/ByteSearch.swift
  $core/Config/YAMLReader.swift $core/Config/PortalConfig.swift $core/Config/FollowUpConfig.swift
  $core/Diagnostics/Diagnostic.swift $core/Diagnostics/CharacterColumns.swift
  $core/Markdown/MarkdownRenderer.swift $core/Markdown/ReferenceDefinitions.swift $core/Markdown/SourceText.swift
  $core/Markdown/HeadingIDs.swift $core/Markdown/RawHTML.swift
  $core/Rendering/FastText.swift $core/Rendering/LeadingTitle.swift $core/Rendering/LinkParts.swift
)
mkdir -p $out/corpus
if [[ ! -x $harness ]] || [[ -n $(find "${sources[@]}" scripts/fuzz.sh -newer $harness) ]]; then
  start=$(date +%s)
  cyaml=$(find "$bin/CYaml.build" -name '*.o')
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name PorticoFuzz \
    -I "$bin/Modules" -I Sources/CCmarkGFM -Xcc -fmodule-map-file="$build"/checkouts/Yams/Sources/CYaml/include/module.modulemap \
    "${sources[@]}" "$bin"/Yams.build/*.o $cyaml -lcmark-gfm -lcmark-gfm-extensions -o $harness
  echo "built $harness in $(( $(date +%s) - start )) s"
fi
# Swift's own crash handler reads memory that AddressSanitizer then reports instead of the real failure: off.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
# -detect_leaks=0: cmark-gfm's registered extensions live for the whole process, by design.
ASAN_OPTIONS=detect_leaks=0 $harness -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix=$out/ -print_final_stats=1 $out/corpus Tests/Fuzz/corpus
