using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nmf.Images;
using Nmf.Matrices;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf images INPUT -k K -o OUTDIR</c>: decomposes a set of grey images (a folder of PNG/JPEG/BMP/PGM files, or a
/// matrix file of flattened images with <c>--shape HxW</c>) by NMF, PCA, Local NMF or sparse NMF and writes
/// components.png (the basis images), reconstruction.png (originals above reconstructions), W.csv, H.csv and
/// model.json; <c>--compare pca</c> adds PCA beside the method in the pictures and the table.
/// </summary>
internal static class ImagesCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "A folder of images (.png .jpg .bmp .pgm .ppm), one image file, or a matrix file (.csv, .tsv, .mtx, .npy) of flattened images, one a row." };
        var k = new Option<int>("-k", "--n-components") { Description = "Number of components k.", Required = true };
        var output = CommonOptions.Output("Output folder for components.png, reconstruction.png, W.csv, H.csv and model.json.");
        var shape = new Option<string?>("--shape") { Description = "HxW of the images in a matrix file (default: square when the row length is a square)." };
        var size = new Option<string?>("--size") { Description = "WxH: resize every image to this size (needed when images differ in size)." };
        var method = new Option<string>("--method") { Description = "nmf (default), pca, lnmf (Local NMF) or snmf (sparse NMF).", DefaultValueFactory = _ => "nmf" };
        var compare = new Option<string?>("--compare") { Description = "pca: fit PCA too and show it beside the method in the pictures and the table." };
        var solver = new Option<string>("--solver") { Description = "Solver of --method nmf: cd (default), mu, als, pg, ...", DefaultValueFactory = _ => "cd" };
        var seed = CommonOptions.Seed();
        var maxIter = new Option<int?>("--max-iter") { Description = "Maximum iterations (default: 200 for nmf, 500 for lnmf and snmf)." };
        var tol = new Option<double?>("--tol") { Description = "Stopping tolerance (default 1e-4; 0 runs --max-iter iterations)." };
        var basisSparseness = new Option<double?>("--basis-sparseness") { Description = "snmf: Hoyer sparseness of every basis image, 0..1 (default 0.7)." };
        var encodingSparseness = new Option<double?>("--encoding-sparseness") { Description = "snmf: Hoyer sparseness of every component's encodings, 0..1 (default: unconstrained)." };
        var show = new Option<int>("--show") { Description = "Images drawn in reconstruction.png.", DefaultValueFactory = _ => 10 };
        var threads = CommonOptions.Threads();
        var dtype = CommonOptions.Dtype();
        var json = CommonOptions.Json();
        var quiet = CommonOptions.Quiet();
        var inputFlags = new InputFlags();

        var command = new Command("images", "Parts of images: NMF (or PCA, Local NMF, sparse NMF) of grey images, with pictures of the basis and the reconstructions.");
        command.Arguments.Add(input);
        foreach (Option o in new Option[] { k, output, shape, size, method, compare, solver, seed, maxIter, tol, basisSparseness, encodingSparseness, show, threads, dtype, json, quiet })
        {
            command.Options.Add(o);
        }

        inputFlags.AddTo(command);
        command.SetAction(parsed =>
        {
            var primary = ParseMethod(parsed.GetValue(method)!);
            string? compareWith = parsed.GetValue(compare);
            if (compareWith is not null && !compareWith.Trim().Equals("pca", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliUsageException($"--compare {compareWith}: only pca can be compared.");
            }

            int showCount = parsed.GetValue(show);
            if (showCount < 1)
            {
                throw new CliUsageException($"--show {showCount}: must be at least 1.");
            }

            var options = new ImageModelOptions
            {
                NComponents = parsed.GetValue(k),
                Method = primary,
                Solver = NmfFlags.ParseSolver(parsed.GetValue(solver)!),
                RandomState = parsed.GetValue(seed),
                MaxIter = parsed.GetValue(maxIter),
                Tol = parsed.GetValue(tol),
                BasisSparseness = parsed.GetValue(basisSparseness),
                EncodingSparseness = parsed.GetValue(encodingSparseness),
                Threads = parsed.GetValue(threads),
            };
            if (options.MaxIter is < 1)
            {
                throw new CliUsageException($"--max-iter {options.MaxIter}: must be at least 1.");
            }

            if (options.Tol is { } t && !(t >= 0))
            {
                throw new CliUsageException($"--tol {t}: must be >= 0.");
            }

            string? sizeText = parsed.GetValue(size), shapeText = parsed.GetValue(shape);
            var request = new ImagesRequest(
                parsed.GetValue(input)!,
                parsed.GetValue(output)!,
                shapeText is null ? null : ImageSize.ParseHeightByWidth(shapeText, "--shape"),
                sizeText is null ? null : ImageSize.ParseWidthByHeight(sizeText, "--size"),
                inputFlags.ToReadOptions(parsed),
                options,
                compareWith is not null && primary != ImageMethod.Pca,
                showCount,
                parsed.GetValue(json),
                parsed.GetValue(quiet));
            return CommonOptions.IsFloat32(parsed.GetValue(dtype)!) ? Run<float>(request) : Run<double>(request);
        });
        return command;
    }

    /// <summary>Reads the images in <typeparamref name="T"/> (<c>--dtype</c>), fits, writes the pictures and files.</summary>
    private static int Run<T>(ImagesRequest request) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var outputDirectory = OutputDirectory.Prepare(request.Output, "--output");
        var images = ReadImages<T>(request.Input, request.Shape, request.Resize, request.ReadOptions);

        var models = new List<ImageModel<T>> { ImageModel<T>.Fit(images.Pixels, request.Options, CliRuntime.Cancellation) };
        if (request.ComparePca)
        {
            models.Add(ImageModel<T>.Fit(images.Pixels, request.Options with { Method = ImageMethod.Pca }, CliRuntime.Cancellation));
        }

        var report = Report(request.Input, images, request.Options, models);
        Stage(outputDirectory, images, models, Math.Min(request.Show, images.Count), report);
        CliRuntime.Cancellation.ThrowIfCancellationRequested();
        outputDirectory.Commit();

        if (request.Json)
        {
            Console.Out.WriteLine(report.ToJsonString(CliJson.Options));
        }
        else if (!request.Quiet)
        {
            Console.Out.Write(Table(images, models, outputDirectory.Path));
        }

        return ExitCodes.Ok;
    }

    /// <summary>nmf, pca, lnmf or snmf.</summary>
    public static ImageMethod ParseMethod(string text) => text.Trim().ToLowerInvariant() switch
    {
        "nmf" => ImageMethod.Nmf,
        "pca" => ImageMethod.Pca,
        "lnmf" or "local" => ImageMethod.Lnmf,
        "snmf" or "sparse" => ImageMethod.Snmf,
        _ => throw new CliUsageException($"--method {text}: expected nmf, pca, lnmf or snmf."),
    };

    /// <summary>A folder or image file through the image reader; anything else through the matrix reader with --shape.</summary>
    private static ImageSet<T> ReadImages<T>(string path, ImageSize? shape, ImageSize? resize, MatrixReadOptions readOptions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Directory.Exists(path))
        {
            if (shape is not null)
            {
                throw new CliUsageException("--shape applies to a matrix file of flattened images; a folder's images have their own size (use --size WxH to resize).");
            }

            return ImageReader.ReadFolder<T>(path, resize);
        }

        if (ImageReader.IsImageFile(path))
        {
            return ImageReader.ReadFiles<T>([path], resize);
        }

        var named = MatrixReader.Read<T>(path, readOptions);
        var matrix = named.Matrix as DenseMatrix<T> ?? ((CsrMatrix<T>)named.Matrix).ToDense();
        ImageSize given = shape ?? SquareShape(matrix.Cols, path);
        var set = new ImageSet<T>(matrix, given, named.RowNames);
        return resize is { } r && r != given ? set.Resized(r) : set;
    }

    private static ImageSize SquareShape(int length, string path)
    {
        int side = (int)Math.Round(Math.Sqrt(length));
        if (side * side != length)
        {
            throw new CliUsageException($"{path}: rows of {length} values are not square images; give --shape HxW.");
        }

        return new ImageSize(side, side);
    }

    private static JsonObject Report<T>(string input, ImageSet<T> images, ImageModelOptions options, List<ImageModel<T>> models)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var list = new JsonArray();
        foreach (var m in models)
        {
            var entry = new JsonObject
            {
                ["method"] = MethodName(m.Method),
                ["reconstruction_err"] = m.ReconstructionError,
                ["relative_error"] = m.RelativeError,
                ["explained_variance"] = m.ExplainedVariance,
                ["basis_sparseness"] = m.BasisSparseness,
                ["encoding_sparseness"] = m.EncodingSparseness,
                ["n_iter"] = m.NIter,
                ["seconds"] = m.Seconds,
            };
            if (m.Method == ImageMethod.Nmf)
            {
                entry["solver"] = options.Solver.ToString().ToLowerInvariant();
            }

            if (m.ExplainedVarianceRatio is { } ratios)
            {
                entry["explained_variance_ratio"] = new JsonArray(ratios.Select(r => (JsonNode?)r).ToArray());
            }

            list.Add(entry);
        }

        return new JsonObject
        {
            ["input"] = input,
            ["n_images"] = images.Count,
            ["height"] = images.Size.Height,
            ["width"] = images.Size.Width,
            ["n_components"] = options.NComponents,
            ["dtype"] = typeof(T) == typeof(float) ? "float32" : "float64",
            ["seed"] = options.RandomState,
            ["sparseness"] = "Hoyer (2004): mean over basis images (rows of H) and over components' encodings (columns of W)",
            ["explained_variance_definition"] = "1 - ||X - reconstruction||^2 / ||X - column means||^2",
            ["models"] = list,
        };
    }

    private static void Stage<T>(OutputDirectory directory, ImageSet<T> images, List<ImageModel<T>> models, int show, JsonObject report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var primary = models[0];
        var basis = Montage.SideBySide(models.Select(m => Montage.WithTitle(Montage.Basis(m.Components, images.Size, m.Signed), MethodName(m.Method))).ToList());
        directory.Stage("components.png", s => PngWriter.Write(s, basis));

        var originals = images.Pixels.SliceRows(0, show);
        var bands = new List<DenseMatrix<T>> { originals };
        bands.AddRange(models.Select(m => m.Reconstruction.SliceRows(0, show)));
        double lo = double.CreateChecked(originals.Data.Min()), hi = double.CreateChecked(originals.Data.Max());
        var labels = new List<string> { "original" };
        labels.AddRange(models.Select(m => MethodName(m.Method)));
        var reconstruction = Montage.WithRowLabels(Montage.Bands(bands, images.Size, show, lo, hi), labels, images.Size);
        directory.Stage("reconstruction.png", s => PngWriter.Write(s, reconstruction));

        var componentNames = Enumerable.Range(1, primary.Components.Rows).Select(c => $"component{c}").ToArray();
        var pixelNames = Enumerable.Range(0, images.Size.Pixels).Select(p => $"y{p / images.Size.Width}x{p % images.Size.Width}").ToArray();
        foreach (var m in models)
        {
            string suffix = m == primary ? string.Empty : "-" + MethodName(m.Method);
            directory.StageCsv($"W{suffix}.csv", m.Encodings, images.Names, componentNames);
            directory.StageCsv($"H{suffix}.csv", m.Components, componentNames, pixelNames);
        }

        directory.Stage("model.json", s =>
        {
            using var writer = new StreamWriter(s, new UTF8Encoding(false), 1 << 12, leaveOpen: true);
            writer.Write(report.ToJsonString(CliJson.Options));
            writer.Write('\n');
        });
    }

    private static string Table<T>(ImageSet<T> images, List<ImageModel<T>> models, string folder)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{images.Count} images of {images.Size.Height}x{images.Size.Width} (HxW), k = {models[0].Components.Rows}");
        text.AppendLine(c, $"{"method",-6}  {"rec. error",11}  {"rel. error",10}  {"expl. var.",10}  {"basis sparseness",16}  {"encoding sparseness",19}  {"iterations",10}");
        foreach (var m in models)
        {
            text.AppendLine(c, $"{MethodName(m.Method),-6}  {m.ReconstructionError,11:F4}  {m.RelativeError,10:F4}  {m.ExplainedVariance,10:F4}  {m.BasisSparseness,16:F4}  {m.EncodingSparseness,19:F4}  {m.NIter,10}");
        }

        text.AppendLine(c, $"wrote {Path.Combine(folder, "components.png")}, reconstruction.png, W.csv, H.csv, model.json");
        return text.ToString();
    }

    private static string MethodName(ImageMethod method) => method.ToString().ToLowerInvariant();

    private sealed record ImagesRequest(string Input, string Output, ImageSize? Shape, ImageSize? Resize, MatrixReadOptions ReadOptions,
        ImageModelOptions Options, bool ComparePca, int Show, bool Json, bool Quiet);
}
