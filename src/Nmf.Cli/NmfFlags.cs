using System.Globalization;

namespace Nmf.Cli;

/// <summary>Parsing of the NMF parameter flags shared by the verbs that fit (<c>--loss</c>, <c>--solver</c>, <c>--init</c>,
/// <c>--alpha-h</c>), each error naming the flag.</summary>
internal static class NmfFlags
{
    /// <summary>frobenius = 2, kl = 1, is = 0, or any number.</summary>
    public static double ParseLoss(string text)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "frobenius" or "fro":
                return 2;
            case "kl" or "kullback-leibler":
                return 1;
            case "is" or "itakura-saito":
                return 0;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double beta) && double.IsFinite(beta))
        {
            return beta;
        }

        throw new CliUsageException($"--loss {text}: expected frobenius, kl, is or a number (the beta of the beta-divergence).");
    }

    /// <summary>The name scikit-learn gives a beta (frobenius, kullback-leibler, itakura-saito) or the number.</summary>
    public static string LossName(double beta) => beta switch
    {
        2 => "frobenius",
        1 => "kullback-leibler",
        0 => "itakura-saito",
        _ => beta.ToString("R", CultureInfo.InvariantCulture),
    };

    public static NmfSolver ParseSolver(string text)
    {
        if (Enum.TryParse<NmfSolver>(text.Trim(), ignoreCase: true, out var solver) && !int.TryParse(text, out _))
        {
            return solver;
        }

        throw new CliUsageException($"--solver {text}: expected one of {string.Join(", ", Enum.GetNames<NmfSolver>().Select(n => n.ToLowerInvariant()))}.");
    }

    public static NmfInit ParseInit(string? text)
    {
        if (text is null)
        {
            return NmfInit.Auto;
        }

        return text.Trim().ToLowerInvariant() switch
        {
            "random" => NmfInit.Random,
            "nndsvd" => NmfInit.Nndsvd,
            "nndsvda" => NmfInit.Nndsvda,
            "nndsvdar" => NmfInit.Nndsvdar,
            "custom" => NmfInit.Custom,
            _ => throw new CliUsageException($"--init {text}: expected random, nndsvd, nndsvda or nndsvdar (custom comes with --w0 and --h0)."),
        };
    }

    /// <summary>A number, or "same" (null) for alpha_H = alpha_W.</summary>
    public static double? ParseAlphaH(string? text)
    {
        if (text is null || text.Trim().Equals("same", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double a) && double.IsFinite(a) && a >= 0)
        {
            return a;
        }

        throw new CliUsageException($"--alpha-h {text}: expected a non-negative number or 'same'.");
    }

    public static string InitName(NmfInit init) => init == NmfInit.Auto ? "auto" : init.ToString().ToLowerInvariant();
}
