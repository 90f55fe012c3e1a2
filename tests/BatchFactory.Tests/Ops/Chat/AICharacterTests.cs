using BatchFactory.Testing;
using BatchFactory.Tests.Support;
using static BatchFactory.Ops;

namespace BatchFactory.Tests.Ops.Chat;

public sealed class AICharacterTests : IAsyncLifetime
{
    private const string Key = "sk-loopback-chat";
    private readonly TempFolder _data = new();
    private OpenAICompatibleServer? _server;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _data.Dispose();
    }

    // Teacher intro, three rounds of student then teacher, teacher summary: 5 teacher and 3 student turns per topic.
    private static Graph Roleplay(string model, params string[] topics)
    {
        var teacher = new AICharacter("Teacher", "You are a teacher.", model);
        var student = new AICharacter("Student", "You are a student.", model);
        return FromList(topics, outputKey: "topic")
            | teacher.Speak("Please introduce {topic}.")
            | Repeat(student.Speak("Please ask a question or respond.") | teacher.Speak("Please answer or explain further."), 3)
            | teacher.Speak("Please summarize.")
            | ChatHistoryToText()
            | OutputEntries();
    }

    [Fact]
    public async Task Roleplay_Offline_GivesFiveTeacherAndThreeStudentTurnsPerTopic_InTurnOrder()
    {
        await using var project = ProjectFolder.Open("chat", "1", new ProjectFolderOptions { DataDirectory = _data.Path });

        var result = await Roleplay("m@offline", "tides", "volcanoes", "bees").RunCheckedAsync(new RunOptions { Project = project }, TestRuns.Token);

        Assert.Equal(3, result.Entries.Count);
        foreach (var entry in result.Entries)
        {
            var roles = entry.Get<List<ChatTurn>>("chat_history").Select(t => t.Role).ToList();
            Assert.Equal(["Teacher", "Student", "Teacher", "Student", "Teacher", "Student", "Teacher", "Teacher"], roles);
            Assert.StartsWith("**Teacher**: ", entry.Get<string>("text"));
            Assert.Equal(8, entry.Get<string>("text").Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.False(entry.Has("chat_request") || entry.Has("chat_response") || entry.Has("chat_reply"));
        }
    }

    [Fact]
    public async Task Character_SeesItsOwnTurnsAsAssistant_OthersAsUser_AndTheInstructionLast()
    {
        var fake = new FakeChatClient();
        var alice = new AICharacter("Alice", "You are Alice.", "m@fake");
        var bob = new AICharacter("Bob", "You are Bob.", "m@fake");
        var g = FromList(["x"], outputKey: "topic") | alice.Speak("Open on {topic}.") | bob.Speak("Reply.") | alice.Speak("Close.") | OutputEntries();
        await using var project = ProjectFolder.Open("roles", "1", new ProjectFolderOptions { DataDirectory = _data.Path });

        await g.RunCheckedAsync(new RunOptions { Project = project, Models = ModelProviders.Default.WithChatClient("fake", _ => fake) }, TestRuns.Token);

        var last = fake.Received[^1];
        Assert.Equal(
            [("system", "You are Alice."), ("assistant", "answer to Open on x."), ("user", "answer to Reply."), ("user", "Close.")],
            last);
    }

    [Fact]
    public async Task FinishedDialogue_RunAgain_MakesNoCalls()
    {
        await StartServerAsync(failWhen: null);
        var first = await RunAgainstServerAsync(Roleplay("gpt-4o-mini@openai", "tides", "bees"));
        Assert.Equal(16, _server!.ChatRequests);

        var second = await RunAgainstServerAsync(Roleplay("gpt-4o-mini@openai", "tides", "bees"));

        Assert.Equal(16, _server.ChatRequests);
        Assert.Equal((0L, 16L), (second.Calls, second.CachedCalls));
        Assert.Equal(first.Entries.Select(e => e.Get<string>("text")), second.Entries.Select(e => e.Get<string>("text")));
    }

    [Fact]
    public async Task InterruptedDialogue_RunAgain_MakesOnlyTheCallsNotYetAnswered()
    {
        // Requests with 6 or more messages fail: each dialogue stops at the teacher's second-round answer.
        var failing = true;
        await StartServerAsync(r => failing && r.Texts.Count >= 6 ? Failure.ServerError() : null);
        var interrupted = await RunAgainstServerAsync(Roleplay("gpt-4o-mini@openai", "tides", "bees"));
        Assert.Empty(interrupted.Entries);
        Assert.Equal(4 * 2, interrupted.Calls);

        failing = false;
        var resumed = await RunAgainstServerAsync(Roleplay("gpt-4o-mini@openai", "tides", "bees"));

        Assert.Equal((4L * 2, 4L * 2), (resumed.Calls, resumed.CachedCalls));
        Assert.All(resumed.Entries, e => Assert.Equal(8, e.Get<List<ChatTurn>>("chat_history").Count));
    }

    private async Task StartServerAsync(Func<ReceivedRequest, Failure?>? failWhen) =>
        _server = await OpenAICompatibleServer.StartAsync(new TestServerOptions { FailureSelector = failWhen }, TestRuns.Token);

    private async Task<RunResult> RunAgainstServerAsync(Graph graph)
    {
        var models = LoopbackModels.For(_server!, Key);
        await using var project = ProjectFolder.Open("dialogue", "1", new ProjectFolderOptions { DataDirectory = _data.Path });
        return await graph.RunCheckedAsync(new RunOptions { Project = project, Models = models, Broker = new BrokerOptions { Retry = null } }, TestRuns.Token);
    }
}
