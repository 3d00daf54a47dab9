/* Writes an n x m non-negative CSV of rank-10 structure plus noise, values with two decimals (about 9.5 bytes a
 * value with its comma), to standard output: the out-of-core benchmark input of bench/minibatch-5gb.sh.
 * Build: cc -O2 -o make_big_csv make_big_csv.c      Run: ./make_big_csv 10000000 50 > /tmp/big.csv */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

static uint64_t state = 88172645463325252ULL;
static double uniform(void) /* xorshift64: fixed sequence, so the file is the same on every run */
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000L;
    int m = argc > 2 ? atoi(argv[2]) : 50;
    enum { K = 10 };
    double h[K][256];
    if (m < 1 || m > 256) { fprintf(stderr, "columns: 1..256\n"); return 2; }
    for (int c = 0; c < K; c++)
        for (int j = 0; j < m; j++)
            h[c][j] = uniform() < 0.5 ? 0.0 : 40.0 * uniform();
    static char line[256 * 16];
    for (long i = 0; i < n; i++) {
        double w[K];
        for (int c = 0; c < K; c++) w[c] = uniform() < 0.6 ? 0.0 : 3.0 * uniform();
        char *p = line;
        for (int j = 0; j < m; j++) {
            double v = 0.5 * uniform();
            for (int c = 0; c < K; c++) v += w[c] * h[c][j];
            long cents = (long)(v * 100.0 + 0.5);
            p += sprintf(p, j ? ",%ld.%02ld" : "%ld.%02ld", cents / 100, cents % 100);
        }
        *p++ = '\n';
        fwrite(line, 1, (size_t)(p - line), stdout);
    }
    return 0;
}
