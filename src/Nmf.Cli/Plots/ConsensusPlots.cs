using Nmf.Consensus;
using ScottPlot;

namespace Nmf.Cli.Plots;

/// <summary>The pictures of a rank survey, drawn with ScottPlot: R NMF's measures-against-rank plot and consensus heatmaps.</summary>
internal static class ConsensusPlots
{
    /// <summary>
    /// The consensus matrix as a heatmap (0 = never together, 1 = always), rows and columns in the order of its
    /// average-linkage tree (R NMF's <c>consensusmap</c>), with a bar of the known labels on the left when given.
    /// </summary>
    public static byte[] Heatmap(double[,] consensus, IReadOnlyList<int> order, IReadOnlyList<string>? labels, int rank, int size = 800)
    {
        int n = consensus.GetLength(0);
        var ordered = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                ordered[i, j] = consensus[order[i], order[j]];
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(ordered);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Rectangle = new CoordinateRect(0, n, 0, n);
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "consensus";

        if (labels is not null)
        {
            // Row i of the heatmap is drawn from the top: its cell spans y ∈ [n − i − 1, n − i].
            var classes = labels.Distinct().ToList();
            var palette = new ScottPlot.Palettes.Category10();
            double left = -Math.Max(1, n / 25.0) - 0.2;
            for (int i = 0; i < n; i++)
            {
                var cell = plot.Add.Rectangle(left, -0.2, n - i - 1, n - i);
                var color = palette.GetColor(classes.IndexOf(labels[order[i]]));
                cell.FillStyle.Color = color;
                cell.LineStyle.Width = 0;
            }

            foreach (var (name, index) in classes.Select((c, i) => (c, i)))
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = name, FillColor = palette.GetColor(index) });
            }

            plot.Legend.IsVisible = true;
            plot.Legend.Alignment = Alignment.LowerLeft;
        }

        plot.Title($"Consensus matrix, k = {rank}");
        plot.Axes.Bottom.Label.Text = "samples (dendrogram order)";
        plot.Axes.Left.Label.Text = "samples (dendrogram order)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
        plot.Axes.SquareUnits();
        return plot.GetImageBytes(size, size, ImageFormat.Png);
    }

    /// <summary>
    /// The rank survey as R NMF's <c>plot(survey)</c>: one panel per measure against the rank (cophenetic, dispersion,
    /// silhouette, residuals, sparseness; label agreement when known).
    /// </summary>
    public static byte[] Survey(IReadOnlyList<RankMeasures> rows, int width = 1200, int height = 800)
    {
        var panels = new List<(string Title, Func<RankMeasures, double> Value)>
        {
            ("cophenetic", r => r.Cophenetic),
            ("dispersion", r => r.Dispersion),
            ("silhouette", r => r.Silhouette),
            ("residual sum of squares", r => r.ResidualSumOfSquares),
            ("sparseness (basis, coefficients)", r => r.SparsenessBasis),
        };
        bool hasLabels = rows.Any(r => !double.IsNaN(r.Purity));
        if (hasLabels)
        {
            panels.Add(("purity, NMI, ARI vs labels", r => r.Purity));
        }

        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(2, (panels.Count + 1) / 2);
        double[] ranks = [.. rows.Select(r => (double)r.Rank)];
        for (int p = 0; p < panels.Count; p++)
        {
            var plot = multiplot.GetPlot(p);
            AddLine(plot, ranks, [.. rows.Select(panels[p].Value)], p == 4 ? "basis" : p == 5 ? "purity" : panels[p].Title);
            plot.Legend.IsVisible = p >= 4;
            if (p == 4)
            {
                AddLine(plot, ranks, [.. rows.Select(r => r.SparsenessCoefficients)], "coefficients");
            }

            if (p == 5)
            {
                AddLine(plot, ranks, [.. rows.Select(r => r.Nmi)], "NMI");
                AddLine(plot, ranks, [.. rows.Select(r => r.Ari)], "ARI");
            }

            plot.Title(panels[p].Title);
            plot.Axes.Bottom.Label.Text = "rank k";
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        }

        return multiplot.Render(width, height).GetImageBytes(ImageFormat.Png);
    }

    /// <summary>Cross-validation: test error of every replicate against the rank, with the mean per rank as a line.</summary>
    public static byte[] CrossValidation(IReadOnlyList<CrossValidationScore> scores, int width = 800, int height = 500)
    {
        var plot = new Plot();
        double[] ranks = [.. scores.Select(s => (double)s.Rank)], errors = [.. scores.Select(s => s.TestError)];
        var points = plot.Add.ScatterPoints(ranks, errors);
        points.LegendText = "replicates";
        var means = scores.GroupBy(s => s.Rank).OrderBy(g => g.Key).ToList();
        AddLine(plot, [.. means.Select(g => (double)g.Key)], [.. means.Select(g => g.Average(s => s.TestError))], "mean test error");
        AddLine(plot, [.. means.Select(g => (double)g.Key)], [.. means.Select(g => g.Average(s => s.TrainError))], "mean train error");
        plot.Title("Cross-validation on held-out entries");
        plot.Axes.Bottom.Label.Text = "rank k";
        plot.Axes.Left.Label.Text = "mean squared error";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.Legend.IsVisible = true;
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static void AddLine(Plot plot, double[] ranks, double[] values, string legend)
    {
        var line = plot.Add.Scatter(ranks, values);
        line.LegendText = legend;
        line.MarkerSize = 8;
        line.LineWidth = 2;
    }
}
