# Shared by ./seedcast and .ci/run. Sourced, not run.

# Sets JAVA_HOME to a JDK >= 21: JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
seedcast_find_jdk() {
  local candidate version
  _jdk_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1; }
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    version=$(_jdk_major "$JAVA_HOME")
    if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME
      return 0
    fi
  fi
  local best="" best_version=0
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    version=$(_jdk_major "$candidate")
    version=${version%%.*}
    if [ "${version:-0}" -ge 21 ] 2>/dev/null && [ "$version" -gt "$best_version" ]; then
      best=$candidate
      best_version=$version
    fi
  done
  if [ -z "$best" ]; then
    echo "seedcast: no JDK 21 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, nothing in /usr/lib/jvm)." >&2
    echo "seedcast: install one, e.g. 'apt-get install openjdk-21-jdk-headless' (Debian 13) or Temurin 21+, and retry." >&2
    return 1
  fi
  export JAVA_HOME=$best
}

# Debian packages the build and tests need: Maven, and Chromium for the dashboard's browser test.
# libsrt for ingest's SRT listener (bound through JNA). The ffmpeg executable in the bytedeco jar (the tests' publisher)
# links libavdevice, which needs PulseAudio, ALSA and XCB client libraries: listed here, not left to chromium's dependencies.
SEEDCAST_DEBIAN_PACKAGES=(maven chromium libsrt1.5-openssl libpulse0 libasound2 libxcb1 libxcb-shm0 libxcb-shape0 libxcb-xfixes0)

seedcast_install_packages() {
  local missing=() p
  for p in "${SEEDCAST_DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "seedcast: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

# Maven on JDK 24+ warns about sun.misc.Unsafe in its own guava; the flag keeps the log readable.
seedcast_maven_opts() {
  local major
  major=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "${major%%.*}" -ge 24 ] 2>/dev/null; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}
