using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchFactory.Ledgers;

namespace BatchFactory.Brokers;

/// <summary>
/// What the broker stores under a request's key: the answer (or, under <c>&lt;key&gt;#failed</c>, the failure), plus
/// <c>"asked": {"op": …, "idx": …, "at": …}</c> (the op and entry that first sent the request, and when, as ISO 8601
/// UTC) and <c>"request"</c> (what was asked: for a chat the request object whose canonical form is the key; for an
/// embedding <c>{"input": …, "model": …}</c>). <c>batchfactory ledger explain</c> reads them to say why an entry's
/// request missed the cache. Records written before these fields existed lack them and are still served: readers get
/// the answer without them (<see cref="Answer"/>).
/// </summary>
internal static class AnswerRecord
{
    /// <summary>The field holding what was asked.</summary>
    public const string RequestField = "request";

    /// <summary>The field holding the op, entry and time of the first asking.</summary>
    public const string AskedField = "asked";

    /// <summary>
    /// Appends <paramref name="answer"/> under <paramref name="request"/>'s key, stamped with where and when it was asked.
    /// A built-in ledger is handed the parts to write (<see cref="IAppendsJsonRecords"/>), so neither the answer nor the
    /// request is copied; any other gets a record of its own (<see cref="Of"/>). The answer is left as it was.
    /// </summary>
    public static ValueTask AppendAsync(ILedger ledger, JsonObject answer, CallSite site, string idx, ModelRequest request, DateTimeOffset at, CancellationToken cancellationToken) =>
        ledger is IAppendsJsonRecords direct
            ? direct.AppendAsync(request.Key, new Parts(answer, site.Op, idx, request, at), cancellationToken)
            : ledger.AppendAsync(request.Key, Of(answer, site, idx, request, at), cancellationToken);

    /// <summary>The record <see cref="AppendAsync"/> appends, as JSON text (for a ledger written by other means, see <see cref="ClaimedAnswers"/>).</summary>
    public static string Json(JsonObject answer, CallSite site, string idx, ModelRequest request, DateTimeOffset at)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            new Parts(answer, site.Op, idx, request, at).WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A copy of <paramref name="answer"/> stamped with where and when <paramref name="request"/> was asked.</summary>
    public static JsonObject Of(JsonObject answer, CallSite site, string idx, ModelRequest request, DateTimeOffset at)
    {
        var record = (JsonObject)answer.DeepClone();
        Stamp(record, site, idx, request, at);
        return record;
    }

    /// <summary>Adds the <c>asked</c> and <c>request</c> fields to <paramref name="record"/>.</summary>
    public static void Stamp(JsonObject record, CallSite site, string idx, ModelRequest request, DateTimeOffset at)
    {
        record[AskedField] = new JsonObject
        {
            ["op"] = site.Op,
            ["idx"] = idx,
            ["at"] = At(at),
        };
        record[RequestField] = request.Content();
    }

    /// <summary>The answer of a stored <paramref name="record"/> (which the caller owns): the record without the fields of <see cref="Stamp"/>.</summary>
    public static JsonObject Answer(JsonObject record)
    {
        record.Remove(AskedField);
        record.Remove(RequestField);
        return record;
    }

    private static string At(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    // The record of Of, written from its parts: the answer's fields, then asked, then the request.
    private sealed class Parts(JsonObject answer, string op, string idx, ModelRequest request, DateTimeOffset at) : IJsonRecord
    {
        public void WriteTo(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            for (var i = 0; i < answer.Count; i++)
            {
                var (name, value) = answer.GetAt(i);
                if (name is AskedField or RequestField)
                {
                    continue;
                }

                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            writer.WriteStartObject(AskedField);
            writer.WriteString("op", op);
            writer.WriteString("idx", idx);
            writer.WriteString("at", At(at));
            writer.WriteEndObject();
            writer.WritePropertyName(RequestField);
            request.WriteContent(writer);
            writer.WriteEndObject();
        }
    }
}
