Console.WriteLine("localkube-node");
