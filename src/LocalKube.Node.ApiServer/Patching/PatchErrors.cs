using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Patching;

/// <summary>
/// The statuses upstream's patch handler answers with (apiserver <c>handlers/patch.go</c>): malformed bodies and
/// malformed directives are 400; a JSON patch that does not apply, or a list of lists, is the generic 422 of
/// <c>NewGenericServerResponse</c>; any other strategic-merge error is passed through unconverted, which upstream
/// turns into a 500 with no reason and the error text as the message. We answer those with a 400 BadRequest and the
/// same text (kubectl: "Error from server (BadRequest): ..."): each is a patch that does not fit the object, and bad
/// input never gets a 5xx here (issue 17).
/// </summary>
public static class PatchErrors
{
    /// <summary>The fixed message of upstream's generic 422.</summary>
    public const string GenericInvalid = "the server rejected our request due to an error in our request";

    /// <summary>400 BadRequest with the error text.</summary>
    public static StatusException BadRequest(string message) => StatusException.BadRequest(message);

    /// <summary>
    /// Upstream's generic 422. Upstream sends no cause; we add the underlying error as the one cause, so kubectl prints
    /// "The request is invalid: testing value /x failed: test failed" instead of a message that names nothing.
    /// </summary>
    public static StatusException Unprocessable(string why) =>
        new(422, "Invalid", GenericInvalid, new StatusDetails(null, null, null) { Causes = [new V1StatusCause { Message = why }] });

    /// <summary>What upstream leaves unconverted (its 500): a 400 BadRequest with the error text as the message.</summary>
    public static StatusException Unconverted(string message) => StatusException.BadRequest(message);

    // apimachinery mergepatch sentinels (400 through interpretStrategicMergePatchError).
    internal static StatusException BadPatchFormatForPrimitiveList() => BadRequest("invalid patch format of primitive list");

    internal static StatusException BadPatchFormatForRetainKeys() => BadRequest("invalid patch format of retainKeys");

    internal static StatusException BadPatchFormatForSetElementOrderList() => BadRequest("invalid patch format of setElementOrder list");

    internal static StatusException NoListOfLists() => Unprocessable("lists of lists are not supported");
}
