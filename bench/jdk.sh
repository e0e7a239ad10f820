# Sourced by the bench scripts: sets $java to a JDK >= 21, JAVA_HOME if it is one, else the
# newest under /usr/lib/jvm (the default `java` here may be 17). Exits if there is none.

feature() { # the feature release of the JDK at $1, or nothing
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1 || true
}

java_home=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && "$(feature "$JAVA_HOME")" -ge 21 ]]; then
    java_home="$JAVA_HOME"
else
    best=0
    for dir in /usr/lib/jvm/*/; do
        dir="${dir%/}"
        [[ -x "$dir/bin/java" ]] || continue
        v="$(feature "$dir")"
        if [[ -n "$v" && "$v" -ge 21 && "$v" -gt "$best" ]]; then
            best="$v"
            java_home="$dir"
        fi
    done
fi
[[ -n "$java_home" ]] || { echo "no JDK >= 21 found (JAVA_HOME or /usr/lib/jvm/*)" >&2; exit 1; }
java="$java_home/bin/java"
