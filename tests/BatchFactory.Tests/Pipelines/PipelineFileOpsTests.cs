namespace BatchFactory.Tests.Pipelines;

/// <summary>Every op a YAML pipeline can use loads with its arguments, and the ops do in YAML what they do in C#.</summary>
public sealed class PipelineFileOpsTests : IAsyncDisposable
{
    private const string Model = "gpt-4o-mini@offline";

    // For each op a YAML pipeline can use: arguments, giving most of its parameters (several variants where overloads differ).
    private static readonly Dictionary<string, string[]> Samples = new(StringComparer.Ordinal)
    {
        ["FromList"] = ["{items: [{a: 1}, {a: 2}], idxKey: a}", "{items: [x, y], outputKey: word}"],
        ["ReadJsonl"] = ["{path: in.jsonl, idxKey: id, onBadRow: Skip}"],
        ["WriteJsonl"] = ["{path: out/a.jsonl, keys: [a, b], idxKey: idx}"],
        ["ReadMarkdownLines"] = ["{path: in.md, keywordKey: k, headingsKey: h}"],
        ["ReadMarkdownEntries"] = ["{path: in.md, textKey: t, headingsKey: h, keywordKey: k}"],
        ["WriteMarkdownLines"] = ["{path: out/a.md, keywordKey: k, headingsKey: h}"],
        ["WriteMarkdownEntries"] = ["{path: out/a.md, textKey: t, headingsKey: h}", "{path: out/md, fileKey: f}"],
        ["SortMarkdownEntries"] = ["{headingsKey: h, keywordKey: k}"],
        ["ReadTxtFolder"] = ["{folder: texts, pattern: '*.md', textKey: t, fileKey: f, idxKey: f}"],
        ["WriteTxtFolder"] = ["{folder: out/texts, textKey: t, fileKey: f}"],
        ["ReadCsv"] = ["{path: in.csv, idxKey: id, onBadRow: Fail, separator: ';'}"],
        ["WriteCsv"] = ["{path: out/a.csv, keys: [a], separator: ';'}"],
        ["ReadParquet"] = ["{path: in.parquet, columns: [a, b], idxKey: a}"],
        ["WriteParquet"] = ["{path: out/a.parquet, keys: [a], rowGroupSize: 1000}"],
        ["AskLLM"] =
        [
            $"{{prompt: 'Hi {{a}}', model: {Model}, outputKey: r, systemPrompt: Be brief., llm: {{temperature: 0.5, maxTokens: 20, topP: 1, seed: 7, stop: [x], frequencyPenalty: 0, presencePenalty: 0}}, sample: 1, removeThinking: true, concurrency: 4, onFailure: Emit, extraAttempts: 1, mode: Auto}}",
            $"{{prompt: 'Hi {{a}}', model: {Model}, type: 'list[T]', schemaInPrompt: true, maxRepairs: 3, validate: 'len(value) > 0', invalidMessage: 'Give one.'}}",
        ],
        ["GenerateLLMRequest"] = [$"{{prompt: 'Hi {{a}}', model: {Model}, requestKey: q, systemPrompt: S, historyKey: h, llm: {{temperature: 1}}, sample: 2}}"],
        ["CallLLM"] = ["{requestKey: q, responseKey: r, concurrency: 2, onFailure: Retry, extraAttempts: 3, mode: Batch}"],
        ["ExtractResponseText"] = ["{responseKey: r, outputKey: o, removeThinking: true}"],
        ["CleanupLLMData"] = ["{requestKey: q, responseKey: r}"],
        ["EmbedText"] = ["{inputKey: a, model: text-embedding-3-small@offline, outputKey: v, format: Base64, concurrency: 8}"],
        ["ExtractJson"] = ["{inputKey: a, outputKey: b, type: T}"],
        ["ChatHistoryToText"] = ["{template: '{role}: {content}', historyKey: h, outputKey: t}"],
        ["MapField"] = ["{func: 'a + 1', inputKey: a, outputKey: b}", "{func: '[a, b]', inputKeys: [a, b], outputKeys: [c, d]}"],
        ["SetField"] = ["{key: a, value: {x: [1, 2]}}", "{values: {a: 1, b: text}}"],
        ["RenameField"] = ["{from: a, to: b}", "{renames: {a: b, c: d}}"],
        ["RemoveField"] = ["[a, b]", "{keys: [a]}"],
        ["Filter"] = ["{predicate: 'a > 1 and not has(\"b\")', key: a}", "'a == 1'"],
        ["FilterMissingFields"] = ["{keys: [a, b]}"],
        ["IncludeIdx"] = ["{idxs: ['1', '2']}"],
        ["ExcludeIdx"] = ["[x]"],
        ["SampleProportion"] = ["{proportion: 0.5, seed: 3}"],
        ["Sort"] = ["{key: a, descending: true}", "{keys: [a, b]}"],
        ["Shuffle"] = ["{seed: 42}", "7"],
        ["TakeFirstN"] = ["{count: 3}", "5"],
        ["ExplodeList"] = ["{listKey: l, itemKey: i, indexKey: n}", "{listKeys: [l, m], itemKeys: [i, j]}"],
        ["If"] = ["{predicate: 'a > 1', then: [{SetField: {key: b, value: 1}}], otherwise: [{SetField: {key: b, value: 2}}], key: a}"],
        ["Repeat"] = ["{body: [{SetField: {key: b, value: 1}}], rounds: 3, roundsKey: r}", "{body: [{RemoveField: [x]}], maxRoundsKey: n, maxIterations: 5}"],
        ["While"] = ["{body: [{MapField: {func: 'a + 1', inputKey: a}}], predicate: 'a < 3', key: a, maxIterations: 10}"],
        ["ListParallel"] =
        [
            "{body: [{MapField: {func: 'upper(i)', inputKey: i, outputKey: o}}], listKey: l, itemKey: i, outputItemKey: o, outputListKey: m}",
            "{body: [{SetField: {key: o, value: 1}}], listKeys: [l], itemKeys: [i], outputItemKeys: [o], outputListKeys: [m]}",
        ],
        ["SpawnFromList"] = ["{listKey: l, itemKey: i}", "{listKeys: [l], itemKeys: [i]}"],
        ["CollectAllToList"] = ["{itemKey: i, listKey: l}", "{itemKeys: [i], listKeys: [l]}"],
        ["CheckPoint"] = ["{name: cp, body: [{SetField: {key: b, value: 1}}], latestRevOnly: true}", "{name: marker}"],
        ["ToList"] = ["[a, b]", "{keys: [a]}"],
        ["OutputEntries"] = ["~"],
        ["Count"] = ["{}"],
        ["PrintEntry"] = ["{first: 3}"],
        ["PrintField"] = ["{key: a, first: 2}"],
    };

    private readonly PipelineFiles _files = new();

    public ValueTask DisposeAsync() => _files.DisposeAsync();

    [Fact]
    public void Samples_CoverEveryOpAPipelineCanUse_AndNoOther()
    {
        Assert.Equal(OpCatalog.All.Where(o => o.InYaml).Select(o => o.Name).Order(StringComparer.Ordinal), Samples.Keys.Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (op, samples) in Samples)
        {
            foreach (var sample in samples)
            {
                data.Add(op, sample);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Load_AnOpWithItsArguments_BuildsAGraphHoldingIt(string op, string arguments)
    {
        var pipeline = _files.Load($"""
            types:
              T:
                a: str
            graph:
              - {op}: {arguments}
            """);

        await using var project = ProjectFolder.Open("p", "1", new ProjectFolderOptions { DataDirectory = _files.Folder });
        var graph = pipeline.Build(project);

        Assert.Contains(op, graph.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FieldsFiltersAndOrdering_DoWhatTheCSharpOpsDo()
    {
        var result = await _files.RunAsync("""
            graph:
              - FromList: { items: [{n: 3, w: pear}, {n: 1, w: fig}, {n: 2, w: apple}, {n: 5, w: kiwi}] }
              - Filter: "n >= 2 and w != 'kiwi'"
              - MapField: { func: "upper(w) + '!'", inputKey: w, outputKey: shout }
              - MapField: { func: "[n * 10, len(w)]", inputKeys: [n, w], outputKeys: [tens, letters] }
              - SetField: { key: fixed, value: [1, 2] }
              - RenameField: { from: n, to: number }
              - RemoveField: [w]
              - Sort: { key: number }
              - ToList: [number, shout, tens, letters, fixed]
            """);

        Assert.Equal(
            """[{"number":2,"shout":"APPLE!","tens":20,"letters":5,"fixed":[1,2]},{"number":3,"shout":"PEAR!","tens":30,"letters":4,"fixed":[1,2]}]""",
            new System.Text.Json.Nodes.JsonArray(result.Values().Select(v => v?.DeepClone()).ToArray()).ToJsonString());
    }

    [Fact]
    public async Task Run_NestedBodies_RepeatWhileIfListParallelAndCheckPoint()
    {
        var result = await _files.RunAsync("""
            graph:
              - FromList: { items: [{n: 1, words: [a, b]}, {n: 4, words: [c]}] }
              - Repeat:
                  rounds: 2
                  body:
                    - MapField: { func: "n + 1", inputKey: n }
              - While:
                  predicate: "n < 5"
                  body:
                    - MapField: { func: "n + 1", inputKey: n }
              - If:
                  predicate: "len(words) > 1"
                  then: [{ SetField: { key: kind, value: many } }]
                  otherwise: [{ SetField: { key: kind, value: one } }]
              - ListParallel:
                  listKey: words
                  itemKey: word
                  body:
                    - MapField: { func: "upper(word)", inputKey: word }
              - CheckPoint:
                  name: done
                  body:
                    - SetField: { key: checked, value: true }
              - Sort: { key: kind }
              - ToList: [n, kind, words, checked]
            """);

        Assert.Equal(
            """[{"n":5,"kind":"many","words":["A","B"],"checked":true},{"n":6,"kind":"one","words":["C"],"checked":true}]""",
            new System.Text.Json.Nodes.JsonArray(result.Values().Select(v => v?.DeepClone()).ToArray()).ToJsonString());
    }

    [Fact]
    public async Task Run_ReadsPromptFilesAndInputsNextToThePipeline_AndWritesIntoTheProject()
    {
        _files.Write("prompts/poem.txt", "Write about {topic}.");
        _files.Write("data/in.jsonl", "{\"topic\": \"rain\"}\n{\"topic\": \"snow\"}\n");

        var result = await _files.RunAsync("""
            vars:
              model: gpt-4o-mini@offline
            graph:
              - ReadJsonl: { path: data/in.jsonl }
              - AskLLM: { prompt: { file: prompts/poem.txt }, model: "${model}", outputKey: poem }
              - WriteJsonl: { path: out/poems.jsonl, keys: [topic, poem] }
              - Count
            """);

        Assert.Equal(2, result.Count);
        Assert.Equal(2, result.Summary.Totals.Calls);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_files.ProjectPath!, "out", "poems.jsonl")).Length);
    }
}
