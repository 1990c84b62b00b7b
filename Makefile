# The two commands: `make run` and `make test` (README.md). Everything else is a helper.
BUILD_DIR ?= build
TEST_DIR  ?= build-asan
JOBS      ?= $(shell nproc)
ARGS      ?=

.PHONY: run build web test bootstrap format format-check tidy bench fuzz clean

bootstrap:
	@scripts/bootstrap

# Release build; leaves the server at build/nchat-live.
build: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DNCHAT_TESTS=OFF >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The web app (web/, docs/web.md), built into web/dist: the server's default --web-root, served
# at /. bootstrap has run npm ci in web/ already.
web: bootstrap
	@cd web && npm run --silent build >/dev/null

# Starts the server on the embedded default (SQLite under ./data, HTTP 127.0.0.1:8080) with the
# web app at http://127.0.0.1:8080/.
run: build web
	./$(BUILD_DIR)/nchat-live serve $(ARGS)

# Sanitizer build (ASan+UBSan) of everything, then every test: unit, storage on SQLite and a
# throwaway PostgreSQL, integration against the real binary, the web app's lint, types, unit and
# page tests, format check.
test: bootstrap web
	@cmake -S . -B $(TEST_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNCHAT_SANITIZE=ON >/dev/null
	@cmake --build $(TEST_DIR) -j $(JOBS)
	cd $(TEST_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror

tidy:
	@cmake -S . -B $(TEST_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNCHAT_SANITIZE=ON >/dev/null
	@git ls-files 'src/*.cpp' | xargs clang-tidy -p $(TEST_DIR) --quiet

bench:
	@scripts/bootstrap bench
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DNCHAT_TESTS=OFF >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	bench/api_load.sh

fuzz: bootstrap
	scripts/fuzz long $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD_DIR) $(TEST_DIR) web/dist web/packages/react/dist
