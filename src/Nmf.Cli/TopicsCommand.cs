using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nmf.Matrices;
using Nmf.Metrics;
using Nmf.Text;

namespace Nmf.Cli;

/// <summary>
/// <c>nmf topics CORPUS -k K -o OUTDIR</c>: topic modelling and document clustering from raw text. Vectorises the
/// corpus (scikit-learn's TfidfVectorizer/CountVectorizer), factorises it, prints each topic's top terms and share,
/// and writes topics.csv, doc-topics.csv, clusters.csv, vocabulary.txt, components.csv and model.json (with
/// purity, NMI and ARI when the documents carry labels). <c>nmf topics --model OUTDIR --transform CORPUS2 -o OUT2</c>
/// places new documents in a saved model's topics without refitting.
/// </summary>
internal static class TopicsCommand
{
    private const string ModelFormat = "nmf-topics/1";

    private static readonly Argument<string?> Corpus = new("CORPUS")
    {
        Description = "Documents: a .tsv/.csv table with a header row, a folder of .txt files (sub-folder = label), or a file with one document per line.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Option<int?> K = new("-k", "--components") { Description = "Number of topics." };
    private static readonly Option<string> Output = CommonOptions.Output("Output folder (created; files appear only when everything succeeded).");
    private static readonly Option<string?> TextColumn = new("--text-column") { Description = "Text column, by header name or 1-based number (default: the column named 'text')." };
    private static readonly Option<string?> LabelColumn = new("--label-column") { Description = "Label column, by name or number (default: a column named 'label', if any)." };
    private static readonly Option<string?> IdColumn = new("--id-column") { Description = "Id column, by name or number (default: a column named 'id', else the row number)." };
    private static readonly Option<string> MinDf = new("--min-df") { Description = "Drop terms in fewer documents: a count (2) or a proportion (0.01).", DefaultValueFactory = _ => "2" };
    private static readonly Option<string> MaxDf = new("--max-df") { Description = "Drop terms in more documents: a count or a proportion (0.95).", DefaultValueFactory = _ => "0.95" };
    private static readonly Option<int?> MaxFeatures = new("--max-features") { Description = "Keep only the N most frequent terms." };
    private static readonly Option<string> Ngram = new("--ngram") { Description = "Word n-gram range MIN,MAX (1,2 = words and word pairs).", DefaultValueFactory = _ => "1,1" };
    private static readonly Option<string> StopWords = new("--stop-words") { Description = "english (scikit-learn's list), none, or a file of words (one per line).", DefaultValueFactory = _ => "english" };
    private static readonly Option<bool> Tf = new("--tf") { Description = "Raw term counts (CountVectorizer)." };
    private static readonly Option<bool> TfIdf = new("--tfidf") { Description = "TF-IDF with smooth idf and l2-normalised rows (default; TfidfVectorizer)." };
    private static readonly Option<bool> SublinearTf = new("--sublinear-tf") { Description = "TF-IDF with 1 + ln(tf)." };
    private static readonly Option<int> Top = new("--top") { Description = "Top terms shown and written per topic.", DefaultValueFactory = _ => 10 };
    private static readonly Option<string> Loss = new("--loss") { Description = "frobenius (default), kullback-leibler, itakura-saito, or a beta value.", DefaultValueFactory = _ => "frobenius" };
    private static readonly Option<string> Solver = new("--solver") { Description = "cd (default), mu, hals, als, pg, brunet, lee.", DefaultValueFactory = _ => "cd" };
    private static readonly Option<string?> Init = new("--init") { Description = "auto (default), random, nndsvd, nndsvda, nndsvdar; custom with --w0/--h0." };
    private static readonly Option<int?> Seed = CommonOptions.Seed();
    private static readonly Option<int> MaxIter = new("--max-iter") { Description = "Maximum iterations.", DefaultValueFactory = _ => 200 };
    private static readonly Option<double> Tol = new("--tol") { Description = "Stopping tolerance (0 runs exactly --max-iter iterations).", DefaultValueFactory = _ => 1e-4 };
    private static readonly Option<string?> W0 = new("--w0") { Description = "Starting W (documents x k) for a custom start, e.g. a golden case's W0.csv." };
    private static readonly Option<string?> H0 = new("--h0") { Description = "Starting H (k x terms) for a custom start." };
    private static readonly Option<string?> Model = new("--model") { Description = "A folder written by an earlier 'nmf topics' run (with --transform)." };
    private static readonly Option<string?> Transform = new("--transform") { Description = "New documents to place in the --model's topics without refitting." };
    private static readonly Option<bool> Json = CommonOptions.Json();
    private static readonly Option<bool> Quiet = CommonOptions.Quiet();
    private static readonly Option<int> Threads = CommonOptions.Threads();
    private static readonly Option<string> Dtype = CommonOptions.Dtype();

    public static Command Create()
    {
        var command = new Command("topics", "Topics and document clusters of a text corpus: top terms, memberships, clusters, and agreement with labels.");
        command.Arguments.Add(Corpus);
        foreach (Option option in new Option[]
        {
            K, Output, TextColumn, LabelColumn, IdColumn, MinDf, MaxDf, MaxFeatures, Ngram, StopWords, Tf, TfIdf, SublinearTf,
            Top, Loss, Solver, Init, Seed, MaxIter, Tol, W0, H0, Model, Transform, Json, Quiet, Threads, Dtype,
        })
        {
            command.Options.Add(option);
        }

        command.SetAction(parsed => CommonOptions.IsFloat32(parsed.GetValue(Dtype)!) ? Run<float>(parsed) : Run<double>(parsed));
        return command;
    }

    private static int Run<T>(ParseResult parsed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string? model = parsed.GetValue(Model), transform = parsed.GetValue(Transform);
        if (model is not null || transform is not null)
        {
            if (model is null || transform is null)
            {
                throw new CliUsageException("--model and --transform go together: nmf topics --model OUTDIR --transform CORPUS2 -o OUTDIR2.");
            }

            if (parsed.GetValue(Corpus) is not null)
            {
                throw new CliUsageException("with --model/--transform give no CORPUS argument: the documents are the --transform file.");
            }

            return RunTransform<T>(parsed, model, transform);
        }

        return RunFit<T>(parsed);
    }

    private static int RunFit<T>(ParseResult parsed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string corpusPath = parsed.GetValue(Corpus) ?? throw new CliUsageException("CORPUS is required (or --model with --transform).");
        int k = parsed.GetValue(K) ?? throw new CliUsageException("-k: the number of topics is required.");
        if (k < 1)
        {
            throw new CliUsageException($"-k {k}: the number of topics must be at least 1.");
        }

        int top = parsed.GetValue(Top);
        if (top < 1)
        {
            throw new CliUsageException($"--top {top}: must be at least 1.");
        }

        var vectorizerOptions = VectorizerOptions(parsed);
        var (init, w0Path, h0Path) = InitFlags(parsed);
        var nmfOptions = new NmfOptions
        {
            NComponents = k,
            Solver = ParseSolver(parsed.GetValue(Solver)!),
            BetaLoss = ParseLoss(parsed.GetValue(Loss)!),
            Init = init,
            Tol = parsed.GetValue(Tol),
            MaxIter = parsed.GetValue(MaxIter),
            RandomState = parsed.GetValue(Seed),
            Threads = parsed.GetValue(Threads),
        };

        using var output = OutputDirectory.Prepare(parsed.GetValue(Output)!, "--output");
        var columns = Columns(parsed, corpusPath);
        var corpus = CorpusReader.Read(corpusPath, columns);
        var w0 = w0Path is null ? null : ReadFactor<T>(w0Path, "--w0");
        var h0 = h0Path is null ? null : ReadFactor<T>(h0Path, "--h0");

        var fitted = TopicModel<T>.Fit(corpus.Texts, vectorizerOptions, nmfOptions, w0, h0, null, CliRuntime.Cancellation);
        var topics = fitted.Topics(top);
        var assignments = fitted.Assignments!;
        var metrics = corpus.HasLabels ? Agreement(corpus.Labels!, assignments) : null;

        output.Stage("topics.csv", s => WriteTopics(s, topics));
        output.Stage("doc-topics.csv", s => WriteMemberships(s, corpus, assignments));
        output.Stage("clusters.csv", s => WriteClusters(s, corpus, assignments));
        output.Stage("vocabulary.txt", s => WriteText(s, w => WriteVocabulary(w, fitted.Vectorizer.Vocabulary)));
        output.StageCsv("components.csv", fitted.Estimator.Components, null, null);
        var summary = Summary(corpusPath, corpus, columns, fitted, topics, metrics, includeIdf: false);
        var modelJson = Summary(corpusPath, corpus, columns, fitted, topics, metrics, includeIdf: true);
        output.Stage("model.json", s => WriteText(s, w => w.Write(modelJson.ToJsonString(CliJson.Options))));
        output.Commit();

        if (parsed.GetValue(Json))
        {
            Console.Out.WriteLine(summary.ToJsonString(CliJson.Options));
        }
        else if (!parsed.GetValue(Quiet))
        {
            PrintTopics(corpus, fitted, topics, metrics, output.Path);
        }

        return ExitCodes.Ok;
    }

    private static int RunTransform<T>(ParseResult parsed, string modelPath, string corpusPath) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var saved = LoadModel<T>(modelPath, parsed.GetValue(Threads));
        using var output = OutputDirectory.Prepare(parsed.GetValue(Output)!, "--output");
        var corpus = CorpusReader.Read(corpusPath, Columns(parsed, corpusPath));
        var assignments = saved.Transform(corpus.Texts);
        var metrics = corpus.HasLabels ? Agreement(corpus.Labels!, assignments) : null;
        output.Stage("doc-topics.csv", s => WriteMemberships(s, corpus, assignments));
        output.Stage("clusters.csv", s => WriteClusters(s, corpus, assignments));
        var summary = new JsonObject
        {
            ["format"] = ModelFormat,
            ["model"] = modelPath,
            ["corpus"] = corpusPath,
            ["documents"] = corpus.Documents.Count,
            ["topics"] = saved.Estimator.Options.NComponents,
            ["documents_without_terms"] = assignments.Clusters.Count(c => c < 0),
            ["metrics"] = metrics,
        };
        output.Stage("transform.json", s => WriteText(s, w => w.Write(summary.ToJsonString(CliJson.Options))));
        output.Commit();
        if (parsed.GetValue(Json))
        {
            Console.Out.WriteLine(summary.ToJsonString(CliJson.Options));
        }
        else if (!parsed.GetValue(Quiet))
        {
            int k = saved.Estimator.Options.NComponents;
            var sizes = new int[k];
            foreach (int c in assignments.Clusters.Where(c => c >= 0))
            {
                sizes[c]++;
            }

            Console.Out.WriteLine($"{corpus.Documents.Count} documents placed in the {k} topics of {modelPath}; documents per cluster: {string.Join(", ", sizes)}");
            PrintMetrics(metrics);
            Console.Out.WriteLine($"wrote doc-topics.csv, clusters.csv, transform.json to {output.Path}");
        }

        return ExitCodes.Ok;
    }

    private static TextVectorizerOptions VectorizerOptions(ParseResult parsed)
    {
        bool tf = parsed.GetValue(Tf), tfidf = parsed.GetValue(TfIdf);
        if (tf && tfidf)
        {
            throw new CliUsageException("--tf and --tfidf contradict each other.");
        }

        var (minN, maxN) = ParseNgram(parsed.GetValue(Ngram)!);
        int? maxFeatures = parsed.GetValue(MaxFeatures);
        if (maxFeatures is < 1)
        {
            throw new CliUsageException($"--max-features {maxFeatures}: must be at least 1.");
        }

        return new TextVectorizerOptions
        {
            StopWords = ParseStopWords(parsed.GetValue(StopWords)!),
            MinDf = DocumentFrequencyLimit.Parse(parsed.GetValue(MinDf)!, "--min-df"),
            MaxDf = DocumentFrequencyLimit.Parse(parsed.GetValue(MaxDf)!, "--max-df"),
            MaxFeatures = maxFeatures,
            NgramMin = minN,
            NgramMax = maxN,
            Weighting = tf ? TermWeighting.Counts : TermWeighting.TfIdf,
            SublinearTf = parsed.GetValue(SublinearTf),
            Threads = parsed.GetValue(Threads),
        };
    }

    private static CorpusColumns Columns(ParseResult parsed, string corpusPath)
    {
        var columns = new CorpusColumns
        {
            Text = parsed.GetValue(TextColumn),
            Id = parsed.GetValue(IdColumn),
            Label = parsed.GetValue(LabelColumn),
        };
        bool table = !Directory.Exists(corpusPath) && Path.GetExtension(corpusPath).ToLowerInvariant() is ".tsv" or ".tab" or ".csv";
        if (!table && (columns.Text ?? columns.Id ?? columns.Label) is not null)
        {
            throw new CliUsageException($"{corpusPath}: --text-column, --id-column and --label-column apply to .tsv/.csv tables only (a folder takes its labels from sub-folders).");
        }

        return columns;
    }

    private static (NmfInit Init, string? W0, string? H0) InitFlags(ParseResult parsed)
    {
        string? w0 = parsed.GetValue(W0), h0 = parsed.GetValue(H0), init = parsed.GetValue(Init);
        if ((w0 is null) != (h0 is null))
        {
            throw new CliUsageException("--w0 and --h0 go together: a custom start needs both factors.");
        }

        if (w0 is not null)
        {
            if (init is not null && !init.Equals("custom", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliUsageException($"--init {init} contradicts --w0/--h0 (a custom start).");
            }

            return (NmfInit.Custom, w0, h0);
        }

        if (init is null)
        {
            return (NmfInit.Auto, null, null);
        }

        if (!Enum.TryParse<NmfInit>(init, ignoreCase: true, out var parsedInit) || !Enum.IsDefined(parsedInit) || char.IsDigit(init[0]))
        {
            throw new CliUsageException($"--init {init}: expected auto, random, nndsvd, nndsvda or nndsvdar.");
        }

        if (parsedInit == NmfInit.Custom)
        {
            throw new CliUsageException("--init custom needs --w0 and --h0.");
        }

        return (parsedInit, null, null);
    }

    internal static NmfSolver ParseSolver(string text)
    {
        if (Enum.TryParse<NmfSolver>(text, ignoreCase: true, out var solver) && Enum.IsDefined(solver) && !char.IsDigit(text[0]))
        {
            return solver;
        }

        throw new CliUsageException($"--solver {text}: expected cd, mu, hals, als, pg, brunet or lee.");
    }

    internal static double ParseLoss(string text) => text.ToLowerInvariant() switch
    {
        "frobenius" or "fro" => 2.0,
        "kullback-leibler" or "kl" => 1.0,
        "itakura-saito" or "is" => 0.0,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double beta) && double.IsFinite(beta) => beta,
        _ => throw new CliUsageException($"--loss {text}: expected frobenius, kullback-leibler, itakura-saito or a number (beta)."),
    };

    private static (int Min, int Max) ParseNgram(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int min)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int max)
            && min >= 1 && max >= min)
        {
            return (min, max);
        }

        throw new CliUsageException($"--ngram {text}: expected MIN,MAX with 1 <= MIN <= MAX, for example 1,2.");
    }

    private static IReadOnlySet<string>? ParseStopWords(string text)
    {
        if (text.Equals("english", StringComparison.OrdinalIgnoreCase))
        {
            return EnglishStopWords.Words;
        }

        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!File.Exists(text))
        {
            throw new CliUsageException($"--stop-words {text}: expected english, none, or an existing file of words.");
        }

        return CorpusReader.ReadUtf8(text)
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static DenseMatrix<T> ReadFactor<T>(string path, string flag) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException($"{flag} {path}: no such file.");
        }

        var matrix = MatrixReader.Read<T>(path, new MatrixReadOptions { HasHeader = false, HasRowNames = false }).Matrix;
        return matrix switch
        {
            DenseMatrix<T> dense => dense,
            CsrMatrix<T> sparse => sparse.ToDense(),
            _ => throw new CliUsageException($"{flag} {path}: unsupported matrix type."),
        };
    }

    private static JsonObject Agreement(IReadOnlyList<string> labels, TopicAssignments assignments)
    {
        var table = ContingencyTable.Create(labels, assignments.Clusters);
        return new JsonObject
        {
            ["purity"] = ClusteringMetrics.Purity(table),
            ["nmi"] = ClusteringMetrics.NormalizedMutualInformation(table),
            ["ari"] = ClusteringMetrics.AdjustedRandIndex(table),
            ["classes"] = table.Classes.Count,
        };
    }

    private static JsonObject Summary<T>(string corpusPath, Text.Corpus corpus, CorpusColumns columns, TopicModel<T> fitted, IReadOnlyList<Topic> topics, JsonObject? metrics, bool includeIdf)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var v = fitted.Vectorizer.Options;
        var o = fitted.Estimator.Options;
        var stopWords = v.StopWords is null ? (JsonNode)"none"
            : ReferenceEquals(v.StopWords, EnglishStopWords.Words) ? "english"
            : new JsonArray([.. v.StopWords.Order(StringComparer.Ordinal).Select(w => (JsonNode)w)]);
        var vectorizer = new JsonObject
        {
            ["lowercase"] = v.Lowercase,
            ["token_pattern"] = @"(?u)\b\w\w+\b",
            ["stop_words"] = stopWords,
            ["min_df"] = DfNode(v.MinDf),
            ["max_df"] = DfNode(v.MaxDf),
            ["max_features"] = v.MaxFeatures,
            ["ngram_range"] = new JsonArray(v.NgramMin, v.NgramMax),
            ["weighting"] = v.Weighting == TermWeighting.TfIdf ? "tfidf" : "counts",
            ["smooth_idf"] = v.SmoothIdf,
            ["sublinear_tf"] = v.SublinearTf,
            ["norm"] = v.Weighting == TermWeighting.TfIdf && v.L2Normalize ? "l2" : "none",
            ["vocabulary_size"] = fitted.Vectorizer.Vocabulary.Count,
        };
        if (includeIdf && fitted.Vectorizer.Idf is { } idf)
        {
            vectorizer["idf"] = new JsonArray([.. idf.Select(x => (JsonNode)x)]);
        }

        var result = new JsonObject
        {
            ["format"] = ModelFormat,
            ["corpus"] = corpusPath,
            ["documents"] = corpus.Documents.Count,
            ["columns"] = new JsonObject { ["text"] = columns.Text, ["id"] = columns.Id, ["label"] = columns.Label },
            ["dtype"] = typeof(T) == typeof(float) ? "float32" : "float64",
            ["vectorizer"] = vectorizer,
            ["nmf"] = new JsonObject
            {
                ["n_components"] = o.NComponents,
                ["solver"] = o.Solver.ToString().ToLowerInvariant(),
                ["beta_loss"] = o.BetaLoss,
                ["init"] = o.Init.ToString().ToLowerInvariant(),
                ["tol"] = o.Tol,
                ["max_iter"] = o.MaxIter,
                ["random_state"] = o.RandomState,
                ["alpha_W"] = o.AlphaW,
                ["alpha_H"] = o.AlphaH,
                ["l1_ratio"] = o.L1Ratio,
                ["n_iter"] = fitted.Estimator.NIter,
                ["reconstruction_err"] = fitted.Estimator.ReconstructionError,
                ["seconds"] = fitted.Estimator.Seconds,
            },
            ["topics"] = new JsonArray([.. topics.Select(t => (JsonNode)new JsonObject
            {
                ["topic"] = t.Index,
                ["share"] = double.IsNaN(t.Share) ? null : t.Share,
                ["terms"] = new JsonArray([.. t.Terms.Select(x => (JsonNode)x.Term)]),
            })]),
            ["documents_without_terms"] = fitted.Assignments!.Clusters.Count(c => c < 0),
            ["metrics"] = metrics?.DeepClone(),
        };
        return result;
    }

    // Stored as text so that a proportion keeps its decimal point ("1.0" is a proportion, "1" a count).
    private static JsonNode DfNode(DocumentFrequencyLimit limit) => JsonValue.Create(limit.ToString());

    private static DocumentFrequencyLimit DfFrom(JsonNode? node, string name) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? DocumentFrequencyLimit.Parse((string)value!, name)
            : throw new NmfInputException($"model.json: vectorizer.{name} is missing.");

    private static TopicModel<T> LoadModel<T>(string folder, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string jsonPath = Path.Combine(folder, "model.json");
        if (!File.Exists(jsonPath))
        {
            throw new CliUsageException($"--model {folder}: no model.json (write one with nmf topics CORPUS -k K -o {folder}).");
        }

        JsonNode root;
        try
        {
            root = JsonNode.Parse(CorpusReader.ReadUtf8(jsonPath)) ?? throw new NmfInputException($"{jsonPath}: empty.");
        }
        catch (JsonException e)
        {
            throw new NmfInputException($"{jsonPath}: not valid JSON: {CliRuntime.OneLine(e.Message)}", e);
        }

        if ((string?)root["format"] != ModelFormat)
        {
            throw new NmfInputException($"{jsonPath}: not an nmf topics model (format '{root["format"]}').");
        }

        try
        {
            var v = root["vectorizer"]!;
            var stop = v["stop_words"];
            IReadOnlySet<string>? stopWords = stop is JsonArray list
                ? list.Select(w => (string)w!).ToHashSet(StringComparer.Ordinal)
                : (string?)stop == "english" ? EnglishStopWords.Words : null;
            var ngram = v["ngram_range"]!.AsArray();
            bool tfidf = (string?)v["weighting"] == "tfidf";
            var options = new TextVectorizerOptions
            {
                Lowercase = (bool)v["lowercase"]!,
                StopWords = stopWords,
                MinDf = DfFrom(v["min_df"], "min_df"),
                MaxDf = DfFrom(v["max_df"], "max_df"),
                MaxFeatures = (int?)v["max_features"],
                NgramMin = (int)ngram[0]!,
                NgramMax = (int)ngram[1]!,
                Weighting = tfidf ? TermWeighting.TfIdf : TermWeighting.Counts,
                SmoothIdf = (bool)v["smooth_idf"]!,
                SublinearTf = (bool)v["sublinear_tf"]!,
                L2Normalize = (string?)v["norm"] == "l2",
                Threads = threads,
            };
            var vocabulary = File.ReadAllLines(Path.Combine(folder, "vocabulary.txt"), Encoding.UTF8);
            var idf = tfidf ? v["idf"]!.AsArray().Select(x => (double)x!).ToArray() : null;
            var vectorizer = TextVectorizer.FromVocabulary(options, vocabulary, idf);
            var n = root["nmf"]!;
            var nmfOptions = new NmfOptions
            {
                NComponents = (int)n["n_components"]!,
                Solver = ParseSolver((string)n["solver"]!),
                BetaLoss = (double)n["beta_loss"]!,
                Tol = (double)n["tol"]!,
                MaxIter = (int)n["max_iter"]!,
                RandomState = (int?)n["random_state"],
                AlphaW = (double)n["alpha_W"]!,
                AlphaH = (double?)n["alpha_H"],
                L1Ratio = (double)n["l1_ratio"]!,
                Threads = threads,
            };
            var components = ReadFactor<T>(Path.Combine(folder, "components.csv"), "--model");
            return TopicModel<T>.FromParts(vectorizer, NmfEstimator<T>.FromComponents(nmfOptions, components));
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or IOException or ArgumentException)
        {
            throw new NmfInputException($"--model {folder}: incomplete or inconsistent model ({CliRuntime.OneLine(e.Message)}).", e);
        }
    }

    private static void WriteText(Stream stream, Action<TextWriter> write)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        write(writer);
    }

    private static void WriteVocabulary(TextWriter writer, IReadOnlyList<string> vocabulary)
    {
        foreach (string term in vocabulary)
        {
            writer.WriteLine(term);
        }
    }

    private static void WriteTopics(Stream stream, IReadOnlyList<Topic> topics) => WriteText(stream, w =>
    {
        w.WriteLine("topic,rank,term,weight");
        foreach (var topic in topics)
        {
            for (int r = 0; r < topic.Terms.Count; r++)
            {
                w.WriteLine($"{topic.Index},{r + 1},{Field(topic.Terms[r].Term)},{Number(topic.Terms[r].Weight)}");
            }
        }
    });

    private static void WriteMemberships(Stream stream, Text.Corpus corpus, TopicAssignments a) => WriteText(stream, w =>
    {
        int k = a.Memberships.Cols;
        w.WriteLine("id," + string.Join(',', Enumerable.Range(0, k).Select(t => $"topic_{t}")));
        var line = new StringBuilder();
        for (int i = 0; i < corpus.Documents.Count; i++)
        {
            line.Clear().Append(Field(corpus.Documents[i].Id));
            foreach (double m in a.Memberships.Row(i))
            {
                line.Append(',').Append(Number(m));
            }

            w.WriteLine(line);
        }
    });

    private static void WriteClusters(Stream stream, Text.Corpus corpus, TopicAssignments a) => WriteText(stream, w =>
    {
        w.WriteLine(corpus.HasLabels ? "id,cluster,membership,label" : "id,cluster,membership");
        for (int i = 0; i < corpus.Documents.Count; i++)
        {
            var d = corpus.Documents[i];
            string label = corpus.HasLabels ? "," + Field(d.Label!) : string.Empty;
            w.WriteLine($"{Field(d.Id)},{a.Clusters[i]},{Number(a.ClusterMembership[i])}{label}");
        }
    });

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    // RFC 4180: quote a field holding a comma, a quote or a line break.
    private static string Field(string s) => s.AsSpan().IndexOfAny(",\"\r\n") < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void PrintTopics<T>(Text.Corpus corpus, TopicModel<T> fitted, IReadOnlyList<Topic> topics, JsonObject? metrics, string folder)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var o = Console.Out;
        var e = fitted.Estimator;
        o.WriteLine($"{corpus.Documents.Count} documents, {fitted.Vectorizer.Vocabulary.Count} terms; {e.Options.NComponents} topics by {e.Options.Solver.ToString().ToLowerInvariant()} in {e.NIter} iterations ({e.Seconds:F2} s), reconstruction error {e.ReconstructionError:G6}");
        o.WriteLine();
        o.WriteLine("topic  share  top terms");
        var sizes = new int[topics.Count];
        foreach (int c in fitted.Assignments!.Clusters.Where(c => c >= 0))
        {
            sizes[c]++;
        }

        foreach (var t in topics)
        {
            string share = double.IsNaN(t.Share) ? "   -  " : $"{t.Share,6:P1}";
            o.WriteLine($"{t.Index,5} {share}  {string.Join(", ", t.Terms.Select(x => x.Term))}  [{sizes[t.Index]} docs]");
        }

        PrintMetrics(metrics);
        o.WriteLine();
        o.WriteLine($"wrote topics.csv, doc-topics.csv, clusters.csv, vocabulary.txt, components.csv, model.json to {folder}");
    }

    private static void PrintMetrics(JsonObject? metrics)
    {
        if (metrics is null)
        {
            return;
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"clusters vs labels ({(int)metrics["classes"]!} classes): purity {(double)metrics["purity"]!:F4}, NMI {(double)metrics["nmi"]!:F4}, ARI {(double)metrics["ari"]!:F4}"));
    }
}
