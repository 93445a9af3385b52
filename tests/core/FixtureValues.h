#pragma once
// The pixel values of the generated I/O fixtures (tests/data/io), shared by the generator and
// the tests: every pixel of every plane is known, so tests catch transposed axes, wrong plane
// order, swapped bytes and wrong channels.
namespace mollichrom::test {

constexpr int kFixtureWidth = 24;
constexpr int kFixtureHeight = 16;

// Distinct along every axis; at most 23 + 30 + 48 + 10 + 45 = 156, so it fits uint8.
constexpr double fixtureValue(int t, int c, int z, int y, int x) {
  return x + 2 * y + 16 * c + 5 * z + 9 * t;
}

}  // namespace mollichrom::test
